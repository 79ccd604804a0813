import { seed } from '../../src/seed/seed';
import { startFixtureServer, type FixtureServer } from '../support/fixture-server';
import { IngestedPeopleDocument, PersonArticleCountDocument, PersonSlugsDocument, type IngestedPeopleQuery } from '../support/generated/graphql';
import { addSource, adminRequest, ingestConfig, refresh } from '../support/ingest-app';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Authors and mentioned people are linked through Person aliases, script-aware
 * (Bengali case endings and particles, Latin possessives; a name inside another word is not a
 * mention), with mention counts; unknown bylines become Persons, initials do not.
 */
type IngestedArticle = NonNullable<IngestedPeopleQuery['source']>['articles']['edges'][number]['node'];

describe('people in ingested stories', () => {
  let app: TestApp;
  let server: FixtureServer;
  let articles: Map<string, IngestedArticle>;

  const item = (guid: string, title: string, author: string, body: string) =>
    `<item><title>${title}</title><link>${server.url(`/articles/${guid}`)}</link><guid isPermaLink="false">${guid}</guid>` +
    `<pubDate>Wed, 03 Sep 2025 10:00:00 +0600</pubDate><dc:creator>${author}</dc:creator><description><![CDATA[${body}]]></description></item>`;

  beforeAll(async () => {
    server = await startFixtureServer();
    app = await startTestApp(ingestConfig({ INGEST_ARTICLE_PAGES: 'false' }));
    await seed(app.db);
    server.setDynamic(
      'people.xml',
      `<?xml version="1.0"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>People</title><language>bn</language>
      ${item('bn', 'পুতিনকে ফোন করলেন শরিফ', 'রহিম উদ্দিন', '<p>পুতিনের সঙ্গে বৈঠকের পর শরিফও কথা বলেন।</p><p>পুতিনবাদ নিয়ে আলোচনা হয়নি।</p>')}
      ${item('en', "Putin's visit", 'By Jane Roe and Reuters', '<p>Putinism was not discussed, Vladimir Putin said, according to Reuters.</p>')}
      ${item('initials', 'সংক্ষিপ্ত খবর', 'এসএস/এসএন', '<p>কোনো নাম নেই।</p>')}
      ${item('known', 'Statement', 'Shehbaz Sharif', '<p>A statement on trade.</p>')}
      </channel></rss>`,
    );
    const source = await addSource(app, { name: 'People desk', feedUrls: [server.url('/dynamic/people.xml')] });
    const { run } = await refresh(app, source.id);
    expect(run).toMatchObject({ outcome: 'succeeded', articlesCreated: 4, peopleCreated: 2, error: null });
    const data = await adminRequest(app, IngestedPeopleDocument, { slug: source.slug });
    articles = new Map(data.source!.articles.edges.map((edge) => [edge.node.url.split('/').pop()!, edge.node]));
  });
  afterAll(async () => {
    await app?.close();
    await server?.close();
  });

  const mentions = (key: string) => Object.fromEntries(articles.get(key)!.mentions.map((m) => [m.person.slug, m.count]));

  it('counts Bengali inflections (পুতিনকে, পুতিনের, শরিফও) but not a name inside a longer word (পুতিনবাদ)', () => {
    expect(mentions('bn')).toEqual({ 'vladimir-putin': 2, 'shehbaz-sharif': 2 });
    expect(articles.get('bn')!.language).toBe('bn');
  });

  it('counts Latin possessives (Putin’s) but not Putinism, and cites the agency in the byline', () => {
    expect(mentions('en')).toEqual({ 'vladimir-putin': 2 });
    expect(articles.get('en')!.citedSources.map((s) => s.slug)).toEqual(['reuters']);
  });

  it('makes unknown bylines Persons, links known ones, and leaves agencies and initials as printed text', async () => {
    expect(articles.get('bn')!.authors).toEqual([{ slug: 'rhim-uddin', name: 'রহিম উদ্দিন' }]);
    expect(articles.get('en')!.authors).toEqual([{ slug: 'jane-roe', name: 'Jane Roe' }]);
    expect(articles.get('en')!.byline).toBe('By Jane Roe and Reuters');
    expect(articles.get('known')!.authors).toEqual([{ slug: 'shehbaz-sharif', name: 'Shehbaz Sharif' }]);
    expect(articles.get('initials')!.authors).toEqual([]);
    expect(articles.get('initials')!.byline).toBe('এসএস/এসএন');
    const people = await adminRequest(app, PersonSlugsDocument);
    expect(people.people.edges.map((edge) => edge.node.slug).sort()).toEqual(['jane-roe', 'rhim-uddin', 'shehbaz-sharif', 'vladimir-putin']);
  });

  it('finds the new author’s articles through the person', async () => {
    const data = await adminRequest(app, PersonArticleCountDocument, { slug: 'jane-roe' });
    expect(data.person!.articles.totalCount).toBe(1);
  });
});
