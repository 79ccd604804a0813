import { canonicalUrl, isTrackingParameter } from './canonical-url';
import { normalizeUrlForLookup } from './input-normalizers';

describe('canonicalUrl', () => {
  it('drops tracking parameters and the fragment, keeps the rest as written', () => {
    expect(canonicalUrl('https://News.Example.com:443/a/B?id=7&utm_source=x&UTM_Medium=y&fbclid=z&p=2#comments')).toBe(
      'https://news.example.com/a/B?id=7&p=2',
    );
    expect(canonicalUrl('https://example.com/a?utm_campaign=c')).toBe('https://example.com/a');
    expect(canonicalUrl('https://example.com/a?q=a+b&x=%20')).toBe('https://example.com/a?q=a+b&x=%20');
  });

  it('resolves against a base and refuses other schemes', () => {
    expect(canonicalUrl('../b?gclid=1', 'https://example.com/x/y/')).toBe('https://example.com/x/b');
    expect(canonicalUrl('javascript:alert(1)')).toBeNull();
    expect(canonicalUrl('not a url')).toBeNull();
    expect(canonicalUrl('https://user:pw@example.com/')).toBe('https://example.com/');
  });

  it('punycodes international hosts', () => {
    expect(canonicalUrl('https://বাংলা.example/খবর')).toBe('https://xn--54b7fta0cc.example/%E0%A6%96%E0%A6%AC%E0%A6%B0');
  });

  it('knows tracking parameters by name and prefix', () => {
    expect(isTrackingParameter('utm_whatever')).toBe(true);
    expect(isTrackingParameter('id')).toBe(false);
  });

  it('is what article(url:) looks up with', () => {
    expect(normalizeUrlForLookup(' https://EXAMPLE.com/story?utm_source=tw#top ')).toBe('https://example.com/story');
  });
});
