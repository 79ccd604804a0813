import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { matchEntities } from '../text/aliases';
import { loadCatalog } from './catalog';
import { parseNewsPageText } from './news-page-text.parser';

const SAMPLE_PATH = join(__dirname, '..', '..', 'seeds', '000_e5d4a965580395ad.txt');
const SEP_3_2025 = { year: 2025, month: 9, day: 3 };

describe('parseNewsPageText on the sample page', () => {
  const raw = readFileSync(SAMPLE_PATH, 'utf8');
  const page = parseNewsPageText(raw);

  it('reads the title', () => {
    expect(page.title).toBe('কৌশলগত ভারসাম্যে আরও ঘনিষ্ঠ হচ্ছে পাকিস্তান-রাশিয়ার সম্পর্ক!');
  });

  it('reads 11 body paragraphs, the single-newline break included, without furniture or byline', () => {
    expect(page.paragraphs).toHaveLength(11);
    expect(page.paragraphs[0]).toMatch(/^এসসিও সম্মেলনের ফাঁকে/u);
    expect(page.paragraphs[6]).toMatch(/ফিরে গিয়ে পুরোনো দিনের স্মৃতি মনে করতে চাই।”$/u);
    expect(page.paragraphs[7]).toMatch(/^শরিফ বলেন, ভারতের সঙ্গে/u);
    expect(page.paragraphs[10]).toMatch(/^পুতিনও আশা প্রকাশ করেন/u);
    for (const paragraph of page.paragraphs) {
      expect(paragraph).not.toContain('Share this news on:');
      expect(paragraph).not.toBe('img');
      expect(paragraph).not.toContain('সর্বশেষ');
      expect(paragraph).not.toContain('এসএস/এসএন');
      expect(paragraph).not.toContain('\n');
      expect(paragraph).toBe(paragraph.trim());
    }
  });

  it('keeps every body line of the file, word for word', () => {
    const bodyLines = raw.split('\n').slice(1, raw.split('\n').indexOf('এসএস/এসএন')).filter((line) => line.trim() !== '');
    expect(page.paragraphs).toEqual(bodyLines);
  });

  it('reads the byline of initials', () => {
    expect(page.byline).toBe('এসএস/এসএন');
  });

  it('dates the article from the body (৩ সেপ্টেম্বর) with the year from the sidebar', () => {
    expect(page.publishedOn).toEqual(SEP_3_2025);
  });

  it('reads the sidebar heading and its 20 headlines in page order', () => {
    expect(page.latestHeading).toBe('সর্বশেষ');
    expect(page.latest).toHaveLength(20);
    expect(page.latest.map((item) => item.position)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(page.latest[0]!.headline).toBe('লটারির মাধ্যমে ডিসি, ইউএনও পদায়ন করা হবে না: জনপ্রশাসন সচিব');
    expect(page.latest[3]!.headline).toBe('নাম নিয়ে বিড়ম্বনায় জয়!');
    expect(page.latest[14]!.headline).toBe('‘রোনালদোকে ভয় পেতাম পেনাল্টি এরিয়ায়, আর মেসিকে পুরো মাঠেই’');
    expect(page.latest[19]!.headline).toBe('সত্য উদঘাটন হলে অপরাধবোধ থেকে মুক্তি পাব: সাবেক আইজিপি');
    for (const item of page.latest) {
      expect(item.publishedOn).toEqual(SEP_3_2025);
      expect(item.headline).not.toMatch(/Sep|2025|\s$/u);
      expect(item.headline).not.toBe('');
    }
  });

  it('marks the 18 headlines the page showed with an image', () => {
    expect(page.latest.filter((item) => item.showedImage)).toHaveLength(18);
    expect(page.latest.filter((item) => !item.showedImage).map((item) => item.position)).toEqual([11, 20]);
  });

  it('returns NFC text only', () => {
    const strings = [page.title, page.byline!, page.latestHeading!, ...page.paragraphs, ...page.latest.map((i) => i.headline)];
    for (const text of strings) expect(text).toBe(text.normalize('NFC'));
  });

  it('finds Putin 7 times, Sharif 7 times and TRT World once in the paragraphs', () => {
    const catalog = loadCatalog();
    const mentions = matchEntities(page.paragraphs.join('\n'), [...catalog.people, ...catalog.sources]);
    // By hand: Putin in ¶1 ভ্লাদিমির পুতিন, ¶3 ভ্লাদিমির পুতিন, ¶4 পুতিন ×2, ¶7 পুতিনের, ¶9 পুতিন,
    // ¶11 পুতিনও. Sharif in ¶1 and ¶3 শেহবাজ শরিফ, ¶4 শরিফের, ¶5, ¶7, ¶8, ¶10 শরিফ.
    expect(mentions).toEqual(new Map([['vladimir-putin', 7], ['shehbaz-sharif', 7], ['trt-world', 1]]));
    const perParagraph = page.paragraphs.map((p) => matchEntities(p, catalog.people));
    expect(perParagraph.map((m) => m.get('vladimir-putin') ?? 0)).toEqual([1, 0, 1, 2, 0, 0, 1, 0, 1, 0, 1]);
    expect(perParagraph.map((m) => m.get('shehbaz-sharif') ?? 0)).toEqual([1, 0, 1, 1, 1, 0, 1, 1, 0, 1, 0]);
  });

  it('is not fooled by line endings, a BOM or precomposed letters', () => {
    const variant = '\uFEFF' + raw.replace(/\n/g, '\r\n').replace(/\u09AF\u09BC/g, '\u09DF').replace(/\u09A1\u09BC/g, '\u09DC');
    expect(parseNewsPageText(variant)).toEqual(page);
  });
});

describe('parseNewsPageText on other layouts', () => {
  it('reads an Arabic page with a known heading, Arabic-Indic digits and no image markers', () => {
    const page = parseNewsPageText(
      [
        'عنوان الخبر',
        '',
        'الفقرة الأولى. قال الرئيس يوم الأربعاء ٣ سبتمبر إن المحادثات مستمرة.',
        '',
        'الفقرة الثانية.',
        'أ ب/ج د',
        'مشاركة',
        'الأحدث',
        'خبر أول ٣ سبتمبر ٢٠٢٥',
        'صورة',
        'خبر ثان ٢ سبتمبر ٢٠٢٥',
      ].join('\n'),
    );
    expect(page.title).toBe('عنوان الخبر');
    expect(page.paragraphs).toEqual(['الفقرة الأولى. قال الرئيس يوم الأربعاء ٣ سبتمبر إن المحادثات مستمرة.', 'الفقرة الثانية.', 'أ ب/ج د']);
    expect(page.byline).toBeNull();
    expect(page.publishedOn).toEqual(SEP_3_2025);
    expect(page.latestHeading).toBe('الأحدث');
    expect(page.latest).toEqual([
      { headline: 'خبر أول', publishedOn: SEP_3_2025, position: 1, showedImage: false },
      { headline: 'خبر ثان', publishedOn: { year: 2025, month: 9, day: 2 }, position: 2, showedImage: true },
    ]);
  });

  it('detects an unknown sidebar heading by its shape and a Latin byline', () => {
    const page = parseNewsPageText(
      [
        'Title here',
        'First paragraph, written on 2 January.',
        'Second paragraph.',
        'AB/CD',
        'Share this article',
        'Trending now',
        'img',
        'Headline one - Jan 3, 2026',
        'Headline two | 2 January 2026',
      ].join('\n'),
    );
    expect(page.byline).toBe('AB/CD');
    expect(page.paragraphs).toEqual(['First paragraph, written on 2 January.', 'Second paragraph.']);
    expect(page.latestHeading).toBe('Trending now');
    expect(page.latest.map((i) => i.headline)).toEqual(['Headline one', 'Headline two']);
    expect(page.latest.map((i) => i.showedImage)).toEqual([true, false]);
    // Year from the newest sidebar date.
    expect(page.publishedOn).toEqual({ year: 2026, month: 1, day: 2 });
  });

  it('takes the previous year for a body date just before a new year', () => {
    const page = parseNewsPageText(['শিরোনাম', '৩১ ডিসেম্বর রাতে বৈঠক হয়।', 'সর্বশেষ', 'খবর ২ জানুয়ারি ২০২৬'].join('\n'));
    expect(page.publishedOn).toEqual({ year: 2025, month: 12, day: 31 });
  });

  it('reads a page with no sidebar, byline or date', () => {
    const page = parseNewsPageText('最新消息标题\n\n第一段。\n\n第二段。\n');
    expect(page).toEqual({ title: '最新消息标题', paragraphs: ['第一段。', '第二段。'], byline: null, publishedOn: null, latestHeading: null, latest: [] });
  });

  it('keeps a last paragraph that merely ends with a date in the article', () => {
    const page = parseNewsPageText('Title\nThe talks ended on Sep 03, 2025\nAB/CD');
    expect(page.paragraphs).toEqual(['The talks ended on Sep 03, 2025']);
    expect(page.byline).toBe('AB/CD');
    expect(page.latest).toEqual([]);
    expect(page.publishedOn).toEqual(SEP_3_2025);
  });

  it('takes a run of dated lines without a heading as the sidebar when there are several', () => {
    const page = parseNewsPageText('Title\nBody.\n\nOne Sep 03, 2025\nTwo Sep 02, 2025');
    expect(page.latestHeading).toBeNull();
    expect(page.paragraphs).toEqual(['Body.']);
    expect(page.latest.map((i) => i.headline)).toEqual(['One', 'Two']);
  });

  it('throws on a page without a title', () => {
    expect(() => parseNewsPageText('')).toThrow(/title/);
    expect(() => parseNewsPageText('\n img \n\nShare this news on:\n')).toThrow(/title/);
  });
});
