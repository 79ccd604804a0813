/**
 * Finds markup a browser could execute in sanitiser output: for the specs only. It reads the
 * output the way an attacker hopes a browser will: entities decoded, whitespace and control
 * characters removed, any case.
 */

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", colon: ':', tab: '\t', newline: '\n', lpar: '(', rpar: ')' };

export function decodeForInspection(value: string): string {
  let previous: string;
  let current = value;
  // Decoded repeatedly: a payload that only works after double decoding is still reported.
  do {
    previous = current;
    current = current.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);?/gi, (all, ref: string) => {
      if (ref[0] === '#') {
        const cp = ref[1] === 'x' || ref[1] === 'X' ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
        return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : '';
      }
      return NAMED[ref.toLowerCase()] ?? all;
    });
  } while (current !== previous);
  return current;
}

const DANGEROUS_SCHEME = /^(?:javascript|vbscript|data|livescript|mocha):/;

/** A description of the first unsafe construct in html, or null. */
export function findUnsafeMarkup(html: string): string | null {
  if (/<\s*script/i.test(html)) return '<script';
  if (/<\s*(?:style|iframe|object|embed|form|svg|math|base|meta|link)\b/i.test(html)) return 'forbidden element';
  for (const tag of html.matchAll(/<[a-zA-Z][^>]*>/g)) {
    const inner = tag[0].replace(/^<[a-zA-Z][\w:-]*/, '').replace(/\/?>$/, '');
    for (const attribute of inner.matchAll(/([^\s"'=<>/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g)) {
      const name = attribute[1].toLowerCase();
      const value = attribute[2] ?? attribute[3] ?? attribute[4] ?? '';
      if (name.startsWith('on')) return `event handler ${name} in ${tag[0]}`;
      if (name === 'style') return `style attribute in ${tag[0]}`;
      const decoded = decodeForInspection(value).replace(/[\u0000-\u0020\u007f-\u009f]/g, '').toLowerCase();
      if (DANGEROUS_SCHEME.test(decoded)) return `dangerous URL in ${tag[0]}`;
      if (decoded.replace(/\/\*.*?\*\//g, '').includes('expression(')) return `CSS expression in ${tag[0]}`;
    }
  }
  return null;
}
