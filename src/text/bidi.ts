/**
 * Bidirectional formatting controls that reorder what a reader sees, taken out of one-line text
 * (titles, headlines, names, bylines): the embeddings LRE and RLE (U+202A, U+202B), their end PDF
 * (U+202C), the overrides LRO and RLO (U+202D, U+202E) and the isolates LRI, RLI, FSI and their
 * end PDI (U+2066–U+2069). One unterminated RLO in a headline reverses everything after it on the
 * line, in our pages and in every partner's: the "Trojan Source" trick of showing one text while
 * storing another.
 *
 * Right-to-left text itself is untouched: Arabic, Hebrew, Persian or Urdu letters carry their own
 * direction, and the Unicode bidi algorithm lays them out without any control. So are the implicit
 * marks LRM, RLM (U+200E, U+200F) and the Arabic letter mark ALM (U+061C): each behaves like one
 * invisible letter of its direction, cannot reverse its neighbours, and is what RTL writers use to
 * put a full stop or a number on the right side. ZWJ and ZWNJ (U+200D, U+200C) are letters'
 * business and stay too (see normalize.ts).
 *
 * Body paragraphs keep their controls: there they are legitimate formatting (an embedded quote in
 * the other direction), the HTML around them is sanitised, and no partner shows them as a line.
 */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;
const HAS_BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/;

/** The text without bidi embedding, override and isolate controls; everything else kept as it is. */
export function stripBidiControls(text: string): string {
  return HAS_BIDI_CONTROL.test(text) ? text.replace(BIDI_CONTROLS, '') : text;
}

/** Whether the text holds any of the controls stripBidiControls removes. */
export function hasBidiControls(text: string): boolean {
  return HAS_BIDI_CONTROL.test(text);
}
