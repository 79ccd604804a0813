import { diffSchemas, formatSchemaDiff, parseIntendedBreakingChanges } from './schema-diff';

/** What `npm run schema:breaking` lets through and what fails it, on two small schemas. */
describe('schema diff', () => {
  const before = /* GraphQL */ `
    type Query {
      articles(first: Int): [Article!]!
    }
    type Article {
      id: ID!
      title: String!
      oldTitle: String
    }
  `;
  const intended = (change: string) => [{ change, reason: 'replaced by `title`', date: '2025-01-31' }];

  it('fails a removed field', async () => {
    const report = await diffSchemas(before, before.replace('oldTitle: String', ''));
    expect(report.breaking.map((c) => c.path)).toEqual(['Article.oldTitle']);
    expect(report.unintended).toHaveLength(1);
    expect(formatSchemaDiff(report)).toContain('Article.oldTitle: Field \'oldTitle\' was removed from object type \'Article\'  [NOT MARKED AS INTENDED]');
  });

  it('passes a removed field listed as intended, by path or by message', async () => {
    const after = before.replace('oldTitle: String', '');
    const byPath = await diffSchemas(before, after, intended('Article.oldTitle'));
    expect(byPath.breaking).toHaveLength(1);
    expect(byPath.unintended).toEqual([]);
    expect(byPath.breaking[0]!.intended?.reason).toBe('replaced by `title`');
    const byMessage = await diffSchemas(before, after, intended("Field 'oldTitle' was removed from object type 'Article'"));
    expect(byMessage.unintended).toEqual([]);
  });

  it('does not let an entry for another path mark a change, and reports unused entries', async () => {
    const report = await diffSchemas(before, before.replace('oldTitle: String', ''), intended('Article.title'));
    expect(report.unintended.map((c) => c.path)).toEqual(['Article.oldTitle']);
    expect(report.unusedIntended.map((e) => e.change)).toEqual(['Article.title']);
  });

  it('passes an added optional argument (dangerous, not breaking)', async () => {
    const report = await diffSchemas(before, before.replace('articles(first: Int)', 'articles(first: Int, language: String)'));
    expect(report.breaking).toEqual([]);
    expect(report.dangerous.map((c) => c.path)).toEqual(['Query.articles.language']);
  });

  it('passes a deprecated field', async () => {
    const report = await diffSchemas(before, before.replace('oldTitle: String', 'oldTitle: String @deprecated(reason: "Use `title`.")'));
    expect(report.breaking).toEqual([]);
    expect(report.unintended).toEqual([]);
    expect(report.safe.length).toBeGreaterThan(0);
  });

  it('fails a changed argument type', async () => {
    const report = await diffSchemas(before, before.replace('articles(first: Int)', 'articles(first: String)'));
    expect(report.unintended.map((c) => c.path)).toEqual(['Query.articles.first']);
  });

  it('fails a new required argument', async () => {
    const report = await diffSchemas(before, before.replace('articles(first: Int)', 'articles(first: Int, language: String!)'));
    expect(report.unintended.map((c) => c.path)).toEqual(['Query.articles.language']);
  });

  it('reads the intended-changes file and refuses malformed entries', () => {
    expect(parseIntendedBreakingChanges('[]')).toEqual([]);
    expect(parseIntendedBreakingChanges(JSON.stringify(intended('Article.oldTitle')))).toEqual(intended('Article.oldTitle'));
    expect(() => parseIntendedBreakingChanges('{}')).toThrow('JSON array');
    expect(() => parseIntendedBreakingChanges('[{"change":"A.b","reason":"","date":"2025-01-31"}]')).toThrow('[0].reason');
    expect(() => parseIntendedBreakingChanges('[{"change":"A.b","reason":"r","date":"31/01/2025"}]')).toThrow('YYYY-MM-DD');
    expect(() => parseIntendedBreakingChanges('[{"change":"A.b","reason":"r","date":"2025-13-45"}]')).toThrow('YYYY-MM-DD');
    expect(() => parseIntendedBreakingChanges('[{"change":"A.b","reason":"r","date":"2025-02-30"}]')).toThrow('YYYY-MM-DD');
    expect(() => parseIntendedBreakingChanges('not json')).toThrow('not valid JSON');
  });
});
