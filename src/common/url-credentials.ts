/**
 * A fetched URL as it may be shown to anyone (an article's provenance): user info removed, and
 * every query parameter whose name says it carries a secret (`key`, `token`, `api_key`,
 * `access_token`, `signature`, …) removed, the other parameters kept as they were written. Partner
 * feeds often authenticate with such a parameter; the feed's address itself is not secret.
 */
const SECRET_PARAMETER = /^(?:api[-_]?key|apikey|key|token|access[-_]?token|auth(?:[-_]?token)?|secret|client[-_]?secret|sig|signature|password|passwd|pwd|pass|session(?:[-_]?id)?|sid|x-amz-signature|x-amz-credential|x-amz-security-token)$/i;

export function withoutCredentials(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    // Not a URL: nothing in it can be told apart, so nothing of it is shown.
    return '';
  }
  url.username = '';
  url.password = '';
  if (url.search) {
    const kept = url.search
      .slice(1)
      .split('&')
      .filter((pair) => pair !== '' && !SECRET_PARAMETER.test(decodeName(pair.split('=')[0]!)));
    url.search = kept.length > 0 ? `?${kept.join('&')}` : '';
  }
  return url.href;
}

function decodeName(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}
