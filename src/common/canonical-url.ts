/**
 * The one canonical form of an article address, shared by ingestion (what is stored in
 * article.url) and look-ups (`article(url:)`), so a link shared with tracking parameters or a
 * fragment finds the stored article.
 *
 * What changes: scheme and host lower-cased, default port dropped, IDN hosts in punycode (WHATWG
 * URL does these), the fragment removed, tracking parameters removed (utm_* and the click ids of
 * the big ad and mail platforms), an empty query removed. What does not: the path and the order
 * and spelling of the remaining parameters, because servers may treat `?id=1&p=2` and `?p=2&id=1`
 * or `/A` and `/a` differently and a wrong merge loses an article.
 */

/** Parameters whose name starts with one of these are tracking: utm_source, utm_medium, ... */
const TRACKING_PREFIXES = ['utm_', 'pk_', 'mtm_', 'hsa_'];

/** Click and campaign ids that identify the visitor or the mailing, never the page. */
const TRACKING_PARAMETERS = new Set([
  'fbclid', 'gclid', 'gclsrc', 'dclid', 'gbraid', 'wbraid', 'msclkid', 'yclid', 'twclid', 'ttclid',
  'li_fat_id', 'igshid', 'mc_cid', 'mc_eid', '_hsenc', '_hsmi', 'mkt_tok', 'oly_anon_id', 'oly_enc_id',
  'vero_id', 'vero_conv', 'wickedid', 'ocid', 'cmpid', 'ncid', 'sr_share', 'at_medium', 'at_campaign',
  '_ga', '_gl', 'ref_src', 'ref_url', 'xtor', 'spm', 'smid',
]);

export function isTrackingParameter(name: string): boolean {
  const lower = name.toLowerCase();
  return TRACKING_PARAMETERS.has(lower) || TRACKING_PREFIXES.some((prefix) => lower.startsWith(prefix));
}

/**
 * The canonical form of an absolute http(s) URL (or of a relative one against base), or null
 * when it is not one.
 */
export function canonicalUrl(raw: string, base?: string | URL | null): string | null {
  let url: URL;
  try {
    url = base ? new URL(raw.trim(), base) : new URL(raw.trim());
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.username || url.password) {
    url.username = '';
    url.password = '';
  }
  url.hash = '';
  if (url.search) {
    // Rebuilt from the raw pairs rather than URLSearchParams.toString(), which would re-encode
    // every kept parameter (spaces become `+`) and so change URLs that carried no tracking at all.
    const kept = url.search
      .slice(1)
      .split('&')
      .filter((pair) => pair !== '' && !isTrackingParameter(safeDecode(pair.split('=')[0]!)));
    url.search = kept.length > 0 ? `?${kept.join('&')}` : '';
  }
  return url.href;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

/** Whether two hosts are the same site, ignoring a leading `www.`. */
export function sameSite(a: string, b: string): boolean {
  const strip = (host: string) => host.toLowerCase().replace(/^www\./, '');
  return strip(a) === strip(b);
}
