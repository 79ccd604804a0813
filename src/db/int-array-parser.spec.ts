import { types } from 'pg';
import { FAST_INT_ARRAYS, parseInt4Array } from './int-array-parser';

/** The driver's own integer[] parser: what parseInt4Array must answer for every value. */
const driver = types.getTypeParser(1007 as Parameters<typeof types.getTypeParser>[0], 'text') as (text: string) => unknown;

describe('parseInt4Array', () => {
  it('answers what the driver answers, for the plain form and for every other', () => {
    const values = [
      '{}', '{7}', '{-1,2,-2147483648,2147483647}', '{0,-0,01}',
      // Forms it leaves to the driver: NULLs, nesting, bounds, quotes, spaces, and text no integer array has.
      '{NULL,1}', '{{1,2},{3,4}}', '[0:1]={1,2}', '{"1",2}', '{ 1,2}', '{1,2 }', '{1,,2}', '{-}', '{+1}', '{1.5}', '{12345678901}', '{1}x', '',
    ];
    for (const value of values) expect([value, parseInt4Array(value)]).toEqual([value, driver(value)]);
  });

  it('answers what the driver answers for signatures (48 signed 32-bit values)', () => {
    let seed = 1;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) | 0;
    for (let i = 0; i < 200; i++) {
      const text = `{${Array.from({ length: 48 }, next).join(',')}}`;
      expect(parseInt4Array(text)).toEqual(driver(text));
    }
  });

  it('is a statement’s parsers that declare no parameter types (an empty list, as without them)', () => {
    expect(FAST_INT_ARRAYS).toHaveLength(0);
    expect(FAST_INT_ARRAYS.getTypeParser(1007 as never, 'text')).toBe(parseInt4Array);
    expect(FAST_INT_ARRAYS.getTypeParser(1009 as never, 'text')).toBe(types.getTypeParser(1009 as never, 'text'));
  });
});
