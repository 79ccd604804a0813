import { BENGALI_SUFFIXES, countAliasOccurrences, matchEntities, matchEntitiesInSearchText, nameFormsOfQuery } from './aliases';
import { normalizeForSearch } from './normalize';

const putin = { id: 'putin', aliases: ['Vladimir Putin', 'Putin', 'ভ্লাদিমির পুতিন', 'পুতিন', 'Владимир Путин', 'Путин', 'فلاديمير بوتين', 'بوتين', '普京', 'プーチン', '푸틴'] };
const sharif = { id: 'sharif', aliases: ['Shehbaz Sharif', 'শেহবাজ শরিফ', 'শরিফ', 'شہباز شریف'] };

describe('BENGALI_SUFFIXES', () => {
  it('is ordered longest first (after normalisation) and holds the required endings', () => {
    const lengths = BENGALI_SUFFIXES.map((s) => normalizeForSearch(s).length);
    expect([...lengths].sort((a, b) => b - a)).toEqual(lengths);
    for (const required of ['এর', 'ের', 'র', 'কে', 'ও', 'ই', 'য়ের', 'েরও', 'েরই', 'কেও', 'দের', 'রা', 'তে', 'য়', 'ে', 'টি', 'টা', 'সহ']) {
      expect(BENGALI_SUFFIXES.map(normalizeForSearch)).toContain(normalizeForSearch(required));
    }
  });
});

describe('countAliasOccurrences', () => {
  describe('Bengali', () => {
    it.each([
      ['পুতিন জানান', 1],
      ['পুতিনের আমন্ত্রণে', 1],
      ['পুতিনও আশা প্রকাশ করেন', 1],
      ['পুতিনকে বলেন', 1],
      ['পুতিনকেও', 1],
      ['পুতিনেরও', 1],
      ['পুতিনসহ', 1],
      ['পুতিনরা', 1],
      ['পুতিনে', 1],
      ['(পুতিন)', 1],
      ['“পুতিন”', 1],
      ['পাকিস্তান-পুতিন', 1],
      ['পুতিনবাদ', 0],
      ['পুতিনবাদের', 0],
      ['অপুতিন', 0],
      ['পুতিনি', 0],
      ['পুতিন পুতিনের পুতিনও, পুতিন।', 4],
    ])('পুতিন in %s: %i', (text, count) => {
      expect(countAliasOccurrences(text, 'পুতিন')).toBe(count);
    });

    it('matches the sample’s forms of শরিফ', () => {
      expect(countAliasOccurrences('শরিফের নেতৃত্বে', 'শরিফ')).toBe(1);
      expect(countAliasOccurrences('জবাবে শরিফ বলেন', 'শরিফ')).toBe(1);
      expect(countAliasOccurrences('প্রকাশ করেন শরিফ।', 'শরিফ')).toBe(1);
      expect(countAliasOccurrences('শরিফা', 'শরিফ')).toBe(0);
    });

    it('matches whatever the normalisation of য়/ড় on either side', () => {
      const precomposed = 'রাশি\u09DFা';
      const nukta = 'রাশি\u09AF\u09BCা';
      expect(countAliasOccurrences(`${nukta}র সঙ্গে`, precomposed)).toBe(1);
      expect(countAliasOccurrences(`${precomposed}র সঙ্গে`, nukta)).toBe(1);
      // Suffix with য় in both forms.
      expect(countAliasOccurrences('মোদি\u09DFের', 'মোদি')).toBe(1);
      expect(countAliasOccurrences('মোদি\u09AF\u09BCের', 'মোদি')).toBe(1);
    });

    it('does not treat ZWJ as a word boundary', () => {
      expect(countAliasOccurrences('র\u200D্যাঙ্কিং', 'র')).toBe(0);
    });
  });

  describe('Latin', () => {
    it.each([
      ['Putin said', 1],
      ["Putin's visit", 1],
      ['Putin’s visit', 1],
      ['PUTIN and putin', 2],
      ['the Putins’ dacha', 0],
      ['Putinism', 0],
      ['Putin-Sharif talks', 1],
      ["Putin'ova", 0],
      ['Rasputin', 0],
      ["Putin'", 1],
    ])('Putin in %s: %i', (text, count) => {
      expect(countAliasOccurrences(text, 'Putin')).toBe(count);
    });

    it('treats an apostrophe between letters as part of the word', () => {
      expect(countAliasOccurrences("O'Brien", 'O')).toBe(0);
      expect(countAliasOccurrences("l'Europe", 'Europe')).toBe(1);
    });

    it('matches whitespace and case loosely', () => {
      expect(countAliasOccurrences('VLADIMIR\u00A0 PUTIN', 'Vladimir Putin')).toBe(1);
    });
  });

  describe('Cyrillic', () => {
    it.each([
      ['Путин заявил', 1],
      ['встреча Путина и Шарифа', 1],
      ['Путину', 1],
      ['с Путиным', 1],
      ['о Путине', 1],
      ['путинизм', 0],
    ])('Путин in %s: %i', (text, count) => {
      expect(countAliasOccurrences(text, 'Путин')).toBe(count);
    });
  });

  describe('Arabic script', () => {
    it('allows attached proclitics in front and nothing inside a word', () => {
      expect(countAliasOccurrences('التقى بوتين', 'بوتين')).toBe(1);
      expect(countAliasOccurrences('وبوتين', 'بوتين')).toBe(1);
      expect(countAliasOccurrences('لبوتين', 'بوتين')).toBe(1);
      expect(countAliasOccurrences('البوتينية', 'بوتين')).toBe(0);
      expect(countAliasOccurrences('وزير شہباز شریف', 'شہباز شریف')).toBe(1);
    });
  });

  describe('Chinese, Japanese, Korean', () => {
    it('matches as a substring, since words are not separated by spaces', () => {
      expect(countAliasOccurrences('普京会见巴基斯坦总理', '普京')).toBe(1);
      expect(countAliasOccurrences('俄罗斯总统普京表示', '普京')).toBe(1);
      expect(countAliasOccurrences('プーチン大統領は', 'プーチン')).toBe(1);
      expect(countAliasOccurrences('푸틴은 말했다. 푸틴의 방문', '푸틴')).toBe(2);
    });
  });

  describe('other scripts', () => {
    it('match whole words only', () => {
      expect(countAliasOccurrences('पुतिन ने कहा', 'पुतिन')).toBe(1);
      expect(countAliasOccurrences('पुतिनवाद', 'पुतिन')).toBe(0);
    });
  });

  it('gives 0 for an empty alias or text', () => {
    expect(countAliasOccurrences('anything', '')).toBe(0);
    expect(countAliasOccurrences('anything', '   ')).toBe(0);
    expect(countAliasOccurrences('', 'Putin')).toBe(0);
  });

  it('counts non-overlapping occurrences', () => {
    expect(countAliasOccurrences('na na na', 'na na')).toBe(1);
  });
});

describe('matchEntities', () => {
  it('counts overlapping aliases of one entity once (longest wins)', () => {
    expect(matchEntities('প্রেসিডেন্ট ভ্লাদিমির পুতিন।', [putin])).toEqual(new Map([['putin', 1]]));
    expect(matchEntities('President Vladimir Putin’s visit', [putin])).toEqual(new Map([['putin', 1]]));
  });

  it('counts the sample’s mentions', () => {
    const text = [
      'পাকিস্তানের প্রধানমন্ত্রী শেহবাজ শরিফ ও রাশিয়ার প্রেসিডেন্ট ভ্লাদিমির পুতিন।',
      'পুতিন জানান, শরিফের নেতৃত্বে দেশটি দ্রুত দুর্যোগ কাটিয়ে উঠবে।',
      'এছাড়া পুতিনের আমন্ত্রণে মস্কো সফরের আগ্রহও প্রকাশ করেন শরিফ।',
      'পুতিনও আশা প্রকাশ করেন।',
    ].join('\n');
    expect(matchEntities(text, [putin, sharif])).toEqual(new Map([['sharif', 3], ['putin', 4]]));
  });

  it('lets the longest match win across entities', () => {
    const pakistan = { id: 'pakistan', aliases: ['পাকিস্তান'] };
    const mills = { id: 'mills', aliases: ['পাকিস্তান স্টিল মিলস'] };
    const result = matchEntities('করাচির পাকিস্তান স্টিল মিলস পুনরুজ্জীবিত; পাকিস্তানের অর্থনীতি', [pakistan, mills]);
    expect(result).toEqual(new Map([['mills', 1], ['pakistan', 1]]));
  });

  it('credits every entity when two share the same alias at the same place', () => {
    const shehbaz = { id: 'shehbaz', aliases: ['শরিফ', 'শেহবাজ শরিফ'] };
    const nawaz = { id: 'nawaz', aliases: ['শরিফ', 'নওয়াজ শরিফ'] };
    expect(matchEntities('শরিফ বলেন', [shehbaz, nawaz])).toEqual(new Map([['shehbaz', 1], ['nawaz', 1]]));
    expect(matchEntities('নওয়াজ শরিফ বলেন', [shehbaz, nawaz])).toEqual(new Map([['nawaz', 1]]));
  });

  it('treats duplicate aliases and duplicate ids as one', () => {
    const twice = { id: 'putin', aliases: ['Putin', 'putin', ' PUTIN '] };
    expect(matchEntities('Putin', [twice, { id: 'putin', aliases: ['Putin'] }])).toEqual(new Map([['putin', 1]]));
  });

  it('sees a list as it is at each call: entities added, aliases changed, one left out', () => {
    // Outlets: more than enough for the text to be read for its grams first (GATED_ENTITIES).
    const outlets = Array.from({ length: 40 }, (_, i) => ({ id: `outlet${i}`, aliases: [`Outlet Number ${i}`] }));
    const text = normalizeForSearch('Reuters and Outlet Number 7 reported; রয়টার্স জানিয়েছে');
    expect(matchEntitiesInSearchText(text, outlets)).toEqual(new Map([['outlet7', 1]]));
    outlets.push({ id: 'reuters', aliases: ['Reuters'] });
    expect(matchEntitiesInSearchText(text, outlets)).toEqual(new Map([['reuters', 1], ['outlet7', 1]]));
    outlets[outlets.length - 1]!.aliases.push('রয়টার্স');
    expect(matchEntitiesInSearchText(text, outlets)).toEqual(new Map([['reuters', 2], ['outlet7', 1]]));
    outlets[7]!.aliases[0] = 'Outlet Number 8';
    expect(matchEntitiesInSearchText(text, outlets)).toEqual(new Map([['reuters', 2]]));
    // Left out as if not listed: its aliases take no mention from another entity's.
    expect(matchEntitiesInSearchText(text, outlets, 'reuters')).toEqual(new Map());
    expect(matchEntitiesInSearchText(text, outlets, 'reuters')).toEqual(matchEntitiesInSearchText(text, outlets.filter((outlet) => outlet.id !== 'reuters')));
  });

  it('finds the same mentions in a long list as in a short one', () => {
    const others = Array.from({ length: 30 }, (_, i) => ({ id: `other${i}`, aliases: [`Nobody ${i}`, `ন${i}`] }));
    for (const text of ['Putin’s visit, then Sharif', 'পুতিনের আমন্ত্রণে শরিফ', 'Putin', 'pu', '']) {
      expect(matchEntities(text, [...others, putin, sharif])).toEqual(matchEntities(text, [putin, sharif]));
    }
  });

  it('leaves out entities that are not mentioned', () => {
    expect(matchEntities('কোনো নাম নেই', [putin, sharif]).size).toBe(0);
    expect(matchEntities('Putin', [])).toEqual(new Map());
  });

  it('finds one entity across scripts', () => {
    expect(matchEntities('Putin, পুতিনের, Путина, بوتين, 普京', [putin]).get('putin')).toBe(5);
  });
});

describe('nameFormsOfQuery', () => {
  it('reads an inflected or possessive name as the alias matcher reads a mention', () => {
    expect(nameFormsOfQuery('পুতিনের')).toEqual(expect.arrayContaining(['পুতিনের', 'পুতিন']));
    expect(nameFormsOfQuery('পুতিন')).toEqual(['পুতিন']);
    expect(nameFormsOfQuery('Putin’s')).toEqual(expect.arrayContaining(['putin’s', 'putin']));
    expect(nameFormsOfQuery('Путина')).toEqual(expect.arrayContaining(['путина', 'путин']));
    expect(nameFormsOfQuery('وبوتين')).toContain('بوتين');
    expect(nameFormsOfQuery('Vladimir Putin')).toEqual(['vladimir putin']);
  });

  it('ignores punctuation around the query and gives nothing for blank text', () => {
    expect(nameFormsOfQuery(' "পুতিন।" ')).toEqual(['পুতিন']);
    expect(nameFormsOfQuery(' ,, ')).toEqual([]);
  });

  it('never strips what is not an ending of the name’s script', () => {
    expect(nameFormsOfQuery('Putinism')).toEqual(['putinism']);
    expect(nameFormsOfQuery('পুতুলের')).not.toContain('পুতিন');
    // A Bengali ending after a Latin name is no ending.
    expect(nameFormsOfQuery('Putinের')).toEqual(['putinের']);
  });

  it('every form is one matchEntities finds spanning the whole query', () => {
    for (const query of ['পুতিনের', 'শরিফকে', 'Putin’s', 'Путиным', 'لبوتين', 'Moses\'']) {
      for (const form of nameFormsOfQuery(query)) expect(countAliasOccurrences(query, form)).toBe(1);
    }
  });
});
