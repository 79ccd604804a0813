import { withoutCredentials } from './url-credentials';

describe('withoutCredentials', () => {
  it('removes user info and secret-bearing parameters, keeping the rest as written', () => {
    expect(withoutCredentials('https://user:pa55@news.example/feed.xml')).toBe('https://news.example/feed.xml');
    expect(withoutCredentials('https://news.example/feed.xml?key=s3cret&section=world&api_key=x&Token=y&access_token=z')).toBe(
      'https://news.example/feed.xml?section=world',
    );
    expect(withoutCredentials('https://news.example/rss?q=a%20b&sig=abc')).toBe('https://news.example/rss?q=a%20b');
    expect(withoutCredentials('https://news.example/rss?monkey=1')).toBe('https://news.example/rss?monkey=1');
  });

  it('shows nothing of what is not a URL', () => {
    expect(withoutCredentials('not a url with token=1')).toBe('');
  });
});
