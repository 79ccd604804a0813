import { types, type CustomTypesConfig } from 'pg';

/** Postgres' oid of int4[] (integer[]). */
const INT4_ARRAY_OID = 1007;

/**
 * integer[] as the driver parses it (pg-types: postgres-array, then parseInt of each entry), read
 * without the strings: `{12,-3}` is read digit by digit into numbers. Statements that return many
 * integer arrays (clustering's candidates: two 48-value signatures per stored article, a hundred
 * candidates a batch) spent more on building an array of strings to parse than on anything else
 * in their answer. Only the plain form is read here (one dimension, integers without quotes,
 * NULLs or a lower bound); anything else goes to the driver's parser, so the result is the same
 * for every value.
 */
export function parseInt4Array(value: string): number[] | null {
  const length = value.length;
  if (length < 2 || value.charCodeAt(0) !== 0x7b || value.charCodeAt(length - 1) !== 0x7d) return driverInt4Array(value);
  const values: number[] = [];
  if (length === 2) return values;
  let i = 1;
  for (;;) {
    const negative = value.charCodeAt(i) === 0x2d;
    if (negative) i++;
    let number = 0;
    let digits = 0;
    for (let c = value.charCodeAt(i); c >= 0x30 && c <= 0x39; c = value.charCodeAt(++i)) {
      number = number * 10 + (c - 0x30);
      digits++;
    }
    // An int4 has ten digits at most: more is no integer of this type, the driver decides.
    if (digits === 0 || digits > 10) return driverInt4Array(value);
    values.push(negative ? -number : number);
    if (i === length - 1) return values;
    if (value.charCodeAt(i) !== 0x2c) return driverInt4Array(value);
    i++;
  }
}

function driverInt4Array(value: string): number[] | null {
  return (types.getTypeParser(INT4_ARRAY_OID as Parameters<typeof types.getTypeParser>[0], 'text') as (text: string) => number[] | null)(value);
}

/**
 * The driver's type parsers, but parseInt4Array for integer[]: a statement's `types` (writeRows).
 * An empty array that has getTypeParser: node-postgres reads a query's `types` both as its parsers
 * and, when it prepares the statement, as the list of parameter types its Parse message declares
 * (`types.length` of them). Empty, it declares none, as a query without `types` does; given a plain
 * object instead, the statement's first run never got an answer through PGlite's adapter (it hung).
 */
export const FAST_INT_ARRAYS: CustomTypesConfig = Object.assign([] as never[], {
  getTypeParser: ((oid: number, format?: 'text' | 'binary'): unknown =>
    oid === INT4_ARRAY_OID && (format ?? 'text') === 'text' ? parseInt4Array : (types.getTypeParser as (oid: number, format?: string) => unknown)(oid, format)) as CustomTypesConfig['getTypeParser'],
});
