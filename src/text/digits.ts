/**
 * Decimal digits of any script folded to ASCII 0-9, so numbers typed as ৩, ३, ٣, ۳ or ３ compare
 * and parse like 3.
 *
 * No table per script: Unicode guarantees (stability policy for Numeric_Type=Decimal) that every
 * \p{Nd} character sits in a contiguous run of ten with values 0..9 in order. Runs can touch (the
 * five mathematical digit sets U+1D7CE..U+1D7FF form one run of fifty), so a digit's value is its
 * distance from the start of the whole contiguous Nd run, modulo ten. New scripts added to Unicode
 * work as soon as the JavaScript engine knows them.
 */

const DECIMAL_DIGIT = /\p{Nd}/u;
const DECIMAL_DIGITS = /\p{Nd}/gu;
const ASCII_ZERO = 0x30;

const valueCache = new Map<number, number>();

function isDecimalDigit(codePoint: number): boolean {
  return DECIMAL_DIGIT.test(String.fromCodePoint(codePoint));
}

/** The value 0..9 of a code point known to be \p{Nd}. */
function digitValue(codePoint: number): number {
  const cached = valueCache.get(codePoint);
  if (cached !== undefined) return cached;
  let runStart = codePoint;
  while (runStart > 0 && isDecimalDigit(runStart - 1)) runStart -= 1;
  const value = (codePoint - runStart) % 10;
  valueCache.set(codePoint, value);
  return value;
}

/** Every Unicode decimal digit (\p{Nd}) replaced by its ASCII digit; everything else untouched. */
export function toAsciiDigits(value: string): string {
  return value.replace(DECIMAL_DIGITS, (digit) => {
    const codePoint = digit.codePointAt(0)!;
    if (codePoint >= ASCII_ZERO && codePoint <= ASCII_ZERO + 9) return digit;
    return String.fromCharCode(ASCII_ZERO + digitValue(codePoint));
  });
}
