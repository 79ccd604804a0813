import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { normalizeForSearch } from '../text/normalize';
import { slugify } from '../text/slug';
import rawCatalog from './catalog.data.json';
import { loadCatalog, parseCatalog } from './catalog';

describe('catalog', () => {
  const catalog = loadCatalog();
  const person = (slug: string) => catalog.people.find((p) => p.slug === slug)!;
  const source = (slug: string) => catalog.sources.find((s) => s.slug === slug)!;
  const hasAlias = (aliases: string[], alias: string) => aliases.map(normalizeForSearch).includes(normalizeForSearch(alias));

  it('has Vladimir Putin with aliases in several scripts', () => {
    const putin = person('vladimir-putin');
    expect(putin).toMatchObject({ id: 'vladimir-putin', name: 'Vladimir Putin' });
    for (const alias of ['Vladimir Putin', 'Putin', 'ভ্লাদিমির পুতিন', 'পুতিন', 'Владимир Путин', 'Путин', 'فلاديمير بوتين', 'بوتين', '普京']) {
      expect(hasAlias(putin.aliases, alias)).toBe(true);
    }
  });

  it('has Shehbaz Sharif with aliases in several scripts', () => {
    const sharif = person('shehbaz-sharif');
    for (const alias of ['Shehbaz Sharif', 'Shahbaz Sharif', 'শেহবাজ শরিফ', 'শরিফ', 'شہباز شریف']) {
      expect(hasAlias(sharif.aliases, alias)).toBe(true);
    }
  });

  it('describes every person in one line', () => {
    for (const p of catalog.people) {
      expect(p.description).not.toMatch(/\n/);
      expect(p.description.length).toBeGreaterThan(0);
    }
  });

  it('has TRT World and other outlets with Bengali aliases', () => {
    expect(source('trt-world')).toEqual({
      id: 'trt-world',
      slug: 'trt-world',
      name: 'TRT World',
      kind: 'broadcaster',
      country: 'TR',
      language: 'en',
      homepageUrl: 'https://www.trtworld.com/',
      aliases: ['TRT World', 'টিআরটি ওয়ার্ল্ড'],
    });
    expect(source('reuters').kind).toBe('agency');
    expect(source('afp').kind).toBe('agency');
    for (const slug of ['reuters', 'afp', 'al-jazeera', 'bbc']) {
      expect(source(slug).aliases.some((alias) => /\p{Script=Bengali}/u.test(alias))).toBe(true);
    }
  });

  it('describes the sample publisher honestly, at a reserved .invalid address', () => {
    expect(source('sample-bengali-publisher')).toMatchObject({
      name: 'Sample Bengali publisher',
      homepageUrl: 'https://sample-publisher.newsgate.invalid/',
      language: 'bn',
      country: 'BD',
      kind: 'publisher',
    });
    expect(slugify('Sample Bengali publisher')).toBe('sample-bengali-publisher');
  });

  it('points every seed page at an existing file and publisher', () => {
    expect(catalog.seedPages).toEqual([{ file: '000_e5d4a965580395ad.txt', publisherSlug: 'sample-bengali-publisher' }]);
    for (const page of catalog.seedPages) {
      expect(existsSync(join(__dirname, '..', '..', 'seeds', page.file))).toBe(true);
    }
  });

  it('stores aliases in NFC', () => {
    for (const entry of [...catalog.people, ...catalog.sources]) {
      for (const alias of entry.aliases) expect(alias).toBe(alias.normalize('NFC'));
    }
  });

  it('is parsed once', () => {
    expect(loadCatalog()).toBe(catalog);
  });

  describe('validation', () => {
    const clone = () => JSON.parse(JSON.stringify(rawCatalog));

    it('rejects duplicate slugs across people and sources', () => {
      const data = clone();
      data.sources[0].slug = 'vladimir-putin';
      expect(() => parseCatalog(data)).toThrow(/duplicate slug/);
    });

    it('rejects duplicate aliases after normalisation', () => {
      const data = clone();
      data.people[0].aliases.push(' putin ');
      expect(() => parseCatalog(data)).toThrow(/duplicate alias/);
    });

    it('rejects bad fields', () => {
      const cases: ((d: any) => void)[] = [
        (d) => (d.sources[0].kind = 'newspaper'),
        (d) => (d.sources[0].country = 'tr'),
        (d) => (d.sources[0].language = 'EN'),
        (d) => (d.sources[0].homepageUrl = 'http://www.trtworld.com/'),
        (d) => (d.people[0].slug = 'Vladimir Putin'),
        (d) => (d.people[0].name = '   '),
        (d) => (d.people[0].extra = true),
        (d) => (d.seedPages[0].file = '../etc/passwd'),
        (d) => (d.seedPages[0].publisherSlug = 'nobody'),
      ];
      for (const change of cases) {
        const data = clone();
        change(data);
        expect(() => parseCatalog(data)).toThrow();
      }
    });

    it('normalises text to NFC', () => {
      const data = clone();
      // Precomposed ড় (U+09DC) becomes ড + nukta; e + combining acute becomes é; spaces fold.
      data.people[0].aliases = ['ব\u09DC  পুতিন', 'Pute\u0301'];
      expect(parseCatalog(data).people[0]!.aliases).toEqual(['বড\u09BC পুতিন', 'Put\u00E9']);
    });
  });
});
