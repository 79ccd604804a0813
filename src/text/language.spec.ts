import { detectScript, guessLanguageFromScript, isRightToLeft, languageTagMatches, languageTagPrefixes, normalizeLanguageTag, scriptOfCharacter } from './language';

describe('detectScript', () => {
  it.each([
    ['কৌশলগত ভারসাম্যে আরও ঘনিষ্ঠ', 'Bengali'],
    ['فلاديمير بوتين', 'Arabic'],
    ['Vladimir Putin', 'Latin'],
    ['普京会见巴基斯坦总理', 'Han'],
    ['Владимир Путин', 'Cyrillic'],
    ['व्लादिमीर पुतिन', 'Devanagari'],
    ['שלום עולם', 'Hebrew'],
    ['Ελληνικά', 'Greek'],
    ['สวัสดี', 'Thai'],
    ['안녕하세요', 'Hangul'],
    ['ⴰⵣⵓⵍ', 'Tifinagh'],
  ])('%s is %s', (text, script) => {
    expect(detectScript(text)).toBe(script);
  });

  it('takes the script of most letters, ignoring digits and punctuation', () => {
    expect(detectScript('BBC বাংলার প্রতিবেদন ২০২৫ (Sep 03, 2025)')).toBe('Bengali');
    expect(detectScript('TRT World এর খবর')).toBe('Latin');
  });

  it('gives null without letters', () => {
    expect(detectScript('')).toBeNull();
    expect(detectScript('১২৩ ... 😀')).toBeNull();
  });

  it('knows the script of a single character', () => {
    expect(scriptOfCharacter('ক')).toBe('Bengali');
    expect(scriptOfCharacter('ー')).toBeNull();
    expect(scriptOfCharacter('।')).toBeNull();
  });

  it('counts every letter as asking the regexes character by character would (ties to the script met first)', () => {
    // The counting reads a table of code points; this is the definition it stands for.
    const byRegex = (text: string) => {
      const counts = new Map<string, number>();
      for (const character of text.normalize('NFC')) {
        if (!/\p{L}/u.test(character)) continue;
        const script = scriptOfCharacter(character);
        if (script) counts.set(script, (counts.get(script) ?? 0) + 1);
      }
      let best: string | null = null;
      for (const [script, count] of counts) if (count > (best === null ? 0 : counts.get(best)!)) best = script;
      return best;
    };
    const texts = ['ab কখ', 'কখ ab', 'e\u0301 ক\u09BC', '𝐀𝐁 ab', '\uD800a\uDC00 日本', 'ñ Ω ж', '123 !?', '', 'ᚠᚢ ab', 'aé日本語한국'];
    for (const text of texts) expect([text, detectScript(text)]).toEqual([text, byRegex(text)]);
  });
});

describe('guessLanguageFromScript', () => {
  it.each([
    ['কৌশলগত ভারসাম্যে আরও ঘনিষ্ঠ হচ্ছে পাকিস্তান-রাশিয়ার সম্পর্ক!', 'bn'],
    ['অসমৰ ৰাজধানী', 'as'],
    ['فلاديمير بوتين يلتقي شهباز شريف', 'ar'],
    ['شہباز شریف نے کہا', 'ur'],
    ['این یک خبر است که', 'fa'],
    ['普京会见巴基斯坦总理', 'zh'],
    ['プーチン大統領は述べた', 'ja'],
    ['日本の首相', 'ja'],
    ['안녕하세요', 'ko'],
    ['Ελληνικά', 'el'],
    ['שלום עולם', 'he'],
    ['สวัสดี', 'th'],
    ['வணக்கம்', 'ta'],
  ])('%s → %s', (text, language) => {
    expect(guessLanguageFromScript(text)).toBe(language);
  });

  it.each([
    ['Vladimir Putin'],
    ['Владимир Путин'],
    ['व्लादिमीर पुतिन'],
    ['پاکستان'],
    ['د پښتو ژبه'],
    [''],
    ['123'],
  ])('%s is ambiguous → null', (text) => {
    expect(guessLanguageFromScript(text)).toBeNull();
  });
});

describe('isRightToLeft', () => {
  it.each([
    ['ar', true],
    ['ar-EG', true],
    ['ur', true],
    ['fa', true],
    ['he', true],
    ['iw', true],
    ['dv', true],
    ['ckb', true],
    ['az-Arab', true],
    ['pa-Arab', true],
    ['bn', false],
    ['en', false],
    ['az', false],
    ['zh-Hant', false],
    ['not a tag', false],
    ['', false],
  ])('%s → %s', (lang, rtl) => {
    expect(isRightToLeft(lang)).toBe(rtl);
  });
});

describe('normalizeLanguageTag', () => {
  it.each([
    ['bn', 'bn'],
    ['BN-bd', 'bn-BD'],
    ['en_us', 'en-US'],
    [' zh-hant-tw ', 'zh-Hant-TW'],
    ['iw', 'he'],
    ['sr-latn', 'sr-Latn'],
  ])('%s → %s', (tag, canonical) => {
    expect(normalizeLanguageTag(tag)).toBe(canonical);
  });

  it.each([[''], ['  '], ['english!'], ['x'], ['en--US'], [null], [undefined]])('%s → null', (tag) => {
    expect(normalizeLanguageTag(tag)).toBeNull();
  });
});

describe('languageTagPrefixes', () => {
  it('lists the tag and the tags it extends, lower case, longest first', () => {
    expect(languageTagPrefixes('zh-Hans-CN')).toEqual(['zh-hans-cn', 'zh-hans', 'zh']);
    expect(languageTagPrefixes('bn')).toEqual(['bn']);
    expect(languageTagPrefixes('en_US')).toEqual(['en-us', 'en']);
    expect(languageTagPrefixes(' ')).toEqual([]);
  });
});

describe('languageTagMatches', () => {
  it.each([
    ['bn', 'bn'],
    ['bn-BD', 'bn'],
    ['bn', 'bn-BD'],
    ['zh-Hans', 'zh'],
    ['zh', 'zh-Hans'],
    ['zh', 'zh-Hans-CN'],
    ['zh-Hans-CN', 'zh'],
    ['ZH-hans', 'zh-Hans'],
    ['EN', 'en-gb'],
  ])('%s finds text tagged %s', (filter, tag) => {
    expect(languageTagMatches(filter, tag)).toBe(true);
  });

  it.each([
    ['zh', 'zha'],
    ['zha', 'zh'],
    ['zh-Hans', 'zh-Hant'],
    ['zh-Hant', 'zh-Hans-CN'],
    ['en-US', 'en-GB'],
    ['bn', 'be'],
    ['b', 'bn'],
    ['', 'bn'],
  ])('%s does not find text tagged %s', (filter, tag) => {
    expect(languageTagMatches(filter, tag)).toBe(false);
  });
});
