import { hash } from 'node:crypto';
import { fingerprintText, lookupKey, minhashSimilarity, personKey } from './fingerprint';

const BODY = [
  'Prime Minister Amina Rahman and Norwegian trade envoy Viktor Halvorsen signed a ten-year fisheries agreement in Chattogram on Monday.',
  'The agreement sets joint quotas for hilsa breeding seasons and funds three cold-storage depots along the coast.',
];

describe('text fingerprints', () => {
  it('finds a copy with small edits, and not another text', () => {
    const original = fingerprintText('Fisheries deal', BODY);
    const edited = fingerprintText('Another headline', [BODY[0]!.replace('Monday', 'Tuesday'), BODY[1]!, 'This story was first published by Global Wire.']);
    const other = fingerprintText('Metro opens', ['The second metro line opened in Dhaka on Monday, linking Gabtoli with the airport in twenty-eight minutes.']);
    expect(minhashSimilarity(original.shingles, edited.shingles)).toBeGreaterThanOrEqual(0.6);
    expect(minhashSimilarity(original.shingles, other.shingles)).toBeLessThan(0.2);
    // A copy shares at least one band: what the candidate index finds.
    expect(original.bands.some((band) => edited.bands.includes(band))).toBe(true);
    expect(original.script).toBe('Latin');
    expect(fingerprintText('খবর', ['প্রধানমন্ত্রী আমিনা রহমান সোমবার চট্টগ্রামে একটি চুক্তিতে সই করেছেন।']).script).toBe('Bengali');
  });

  it('reads a key as the first eight bytes of the md5 digest, big-endian and signed', () => {
    for (const text of ['p:x', 'b:0:1,-2,3,-4', 'b:11:-2147483648,2147483647,0,7', 'ভ্লাদিমির', '']) {
      expect(lookupKey(text)).toBe(hash('md5', text, 'buffer').readBigInt64BE(0).toString());
    }
  });

  it('gives a text the same signatures whatever its repeated words and shingles', () => {
    // A MinHash value is a minimum: a shingle or word met twice changes nothing.
    const once = fingerprintText('Harbour', BODY);
    const twice = fingerprintText('Harbour Harbour', [...BODY, ...BODY]);
    expect(twice.words).toEqual(once.words);
    expect(once.shingles!.every((value) => Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31)).toBe(true);
  });

  it('leaves bodies too short to call a copy without a shingle signature', () => {
    expect(fingerprintText('Short', ['Two words.']).shingles).toBeNull();
  });

  it('is the same for the same text (NFC and case folded) and keys match the SQL backfill', () => {
    expect(fingerprintText('T', BODY)).toEqual(fingerprintText('T', BODY.map((p) => p.toUpperCase())));
    // ('x' || left(md5('p:<id>'), 16))::bit(64)::bigint in the migration.
    expect(personKey('00000000-0000-0000-0000-000000000001')).toBe(lookupKey('p:00000000-0000-0000-0000-000000000001'));
    expect(BigInt(lookupKey('p:x')) >= -(2n ** 63n)).toBe(true);
  });
});
