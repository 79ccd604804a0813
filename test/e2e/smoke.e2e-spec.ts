import { startTestApp, type TestApp } from '../support/test-app';

describe('smoke', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app?.close());

  it('answers', async () => {
    const res = await app.gql('{ latestFeed { totalCount edges { node { id } } } sources { totalCount } }');
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ latestFeed: { totalCount: 0, edges: [] }, sources: { totalCount: 0 } });
  });
});
