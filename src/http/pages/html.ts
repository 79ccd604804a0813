/**
 * HTML written with plain template functions: `html` is a tagged template that escapes every
 * value put into it, unless the value is itself HTML (a `Html`, which only `html` and `raw` make).
 * Text from the database (titles may hold `<script>`) can then only ever be text.
 */

/** A piece of markup that is already safe to send. */
export class Html {
  constructor(readonly value: string) {}

  toString(): string {
    return this.value;
  }
}

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text as it is safe in an element's content or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** Markup written by this code, not from data: a constant, never a value read from anywhere. */
export function raw(markup: string): Html {
  return new Html(markup);
}

/**
 * Markup with its values escaped: a Html goes in as it is, an array as its items one after the
 * other, null, undefined and false as nothing, anything else as escaped text.
 */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let out = strings[0]!;
  values.forEach((value, i) => {
    out += fragment(value) + strings[i + 1]!;
  });
  return new Html(out);
}

/** What `html` takes: markup, text, a number, nothing, or a list of these. */
export type HtmlValue = Html | string | number | null | undefined | false | readonly HtmlValue[];

function fragment(value: HtmlValue): string {
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return (value as readonly HtmlValue[]).map(fragment).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(typeof value === 'number' ? String(value) : (value as string));
}
