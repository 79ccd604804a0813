/**
 * URL checks shared by the sanitiser and the feed parser.
 *
 * Browsers remove ASCII tab and newline anywhere in a URL and C0 controls or spaces at its ends
 * before they look at the scheme, so `java&#9;script:` or ` javascript:` still runs script. Every
 * decision here is taken on the URL as a browser would see it, never on the raw attribute text.
 */

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):/;

export const WEB_SCHEMES: readonly string[] = ['http', 'https'];
export const LINK_SCHEMES: readonly string[] = ['http', 'https', 'mailto'];

/** The URL text a browser would parse: inner tabs/newlines removed, edge controls trimmed. */
function cleanUrlText(raw: string): string {
  return raw.replace(/[\t\n\r]/g, '').replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '');
}

/** An absolute base URL, or null when the text is not one. */
export function parseBaseUrl(base: string | null | undefined): URL | null {
  if (!base) return null;
  try {
    return new URL(cleanUrlText(base));
  } catch {
    return null;
  }
}

/**
 * The URL made absolute against base when there is one, or null when it is empty, unparsable or
 * uses a scheme outside `schemes`. Without a base, a relative URL is returned as it stands (it
 * cannot carry a scheme) and a protocol-relative one is given https.
 */
export function safeUrl(
  raw: string | null | undefined,
  base: string | URL | null | undefined,
  schemes: readonly string[] = LINK_SCHEMES,
): string | null {
  if (raw == null) return null;
  const text = cleanUrlText(raw);
  if (text === '') return null;
  const baseUrl = typeof base === 'string' ? parseBaseUrl(base) : (base ?? null);
  let url: URL;
  try {
    if (baseUrl) url = new URL(text, baseUrl);
    else if (SCHEME.test(text)) url = new URL(text);
    // Browsers read a leading backslash like a slash: `\\host` is protocol-relative too.
    else if (/^[\\/]{2}/.test(text)) url = new URL(`https:${text}`);
    else return text;
  } catch {
    return null;
  }
  const scheme = url.protocol.slice(0, -1).toLowerCase();
  return schemes.includes(scheme) ? url.href : null;
}

/** An absolute http(s) URL or null: what link, image and home-page fields may hold. */
export function absoluteHttpUrl(raw: string | null | undefined, base: string | URL | null | undefined): string | null {
  const url = safeUrl(raw, base, WEB_SCHEMES);
  return url !== null && /^https?:\/\//i.test(url) ? url : null;
}
