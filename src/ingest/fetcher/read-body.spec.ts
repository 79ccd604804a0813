import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { FetchError } from './errors';
import { readBody } from './read-body';

const stream = (...chunks: Buffer[]) => Readable.from(chunks);

describe('readBody', () => {
  it('undoes gzip, brotli and both kinds of deflate', async () => {
    const text = Buffer.from('<rss>ক খ গ</rss>');
    for (const [coding, encoded] of [
      ['gzip', zlib.gzipSync(text)],
      ['br', zlib.brotliCompressSync(text)],
      ['deflate', zlib.deflateSync(text)],
      ['deflate', zlib.deflateRawSync(text)],
      ['identity', text],
    ] as const) {
      expect((await readBody(stream(encoded), coding, 1000, false, 'https://x.example/')).body.equals(text)).toBe(true);
    }
  });

  it('undoes several codings last to first', async () => {
    const text = Buffer.from('layered');
    const encoded = zlib.brotliCompressSync(zlib.gzipSync(text));
    expect((await readBody(stream(encoded), 'gzip, br', 1000, false, 'u')).body.toString()).toBe('layered');
  });

  it('caps the decoded body: TOO_LARGE, or the first bytes when truncation is allowed', async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(1_000_000));
    await expect(readBody(stream(bomb), 'gzip', 1000, false, 'u')).rejects.toMatchObject({ code: 'TOO_LARGE' });
    const cut = await readBody(stream(Buffer.alloc(600), Buffer.alloc(600)), null, 1000, true, 'u');
    expect(cut).toMatchObject({ truncated: true });
    expect(cut.body.length).toBe(1000);
  });

  it('refuses a coding it does not know', async () => {
    await expect(readBody(stream(Buffer.from('x')), 'compress', 1000, false, 'u')).rejects.toBeInstanceOf(FetchError);
  });
});
