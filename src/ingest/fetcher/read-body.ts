/** A response body read defensively: content codings undone, and capped at maxBytes while it streams. */
import { type Readable, Transform, type TransformCallback, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { FetchError } from './errors';

/** Counts bytes through a stream and fails it once they pass the cap. */
class ByteCap extends Transform {
  private seen = 0;

  constructor(private readonly limit: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.limit) callback(new TooLargeSignal());
    else callback(null, chunk);
  }
}

class TooLargeSignal extends Error {}

/** deflate is meant to be zlib-wrapped (RFC 9110) but servers send raw deflate too; peek to tell. */
class Inflate extends Transform {
  private inner: zlib.Inflate | zlib.InflateRaw | null = null;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (!this.inner) {
      const zlibWrapped = chunk.length >= 2 && (chunk[0] & 0x0f) === 8 && ((chunk[0] << 8) | chunk[1]) % 31 === 0;
      this.inner = zlibWrapped ? zlib.createInflate() : zlib.createInflateRaw();
      this.inner.on('data', (data: Buffer) => {
        if (!this.push(data)) this.inner?.pause();
      });
      this.inner.on('error', (error) => this.destroy(error));
    }
    if (this.inner.write(chunk)) callback();
    else this.inner.once('drain', () => callback());
  }

  override _read(size: number): void {
    this.inner?.resume();
    super._read(size);
  }

  override _flush(callback: TransformCallback): void {
    if (!this.inner) {
      callback();
      return;
    }
    this.inner.once('end', () => callback());
    this.inner.end();
  }

  override _destroy(error: Error | null, callback: (error: Error | null) => void): void {
    this.inner?.destroy();
    callback(error);
  }
}

function decoders(contentEncoding: string | null, url: string): Transform[] {
  const codings = (contentEncoding ?? '')
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity');
  // Codings are listed in the order they were applied: undo them last to first.
  return codings.reverse().map((coding) => {
    switch (coding) {
      case 'gzip':
      case 'x-gzip':
        return zlib.createGunzip();
      case 'br':
        return zlib.createBrotliDecompress();
      case 'deflate':
        return new Inflate();
      default:
        throw new FetchError('NETWORK', `Unsupported Content-Encoding "${coding}"`, { url });
    }
  });
}

/**
 * The body, decoded and capped while streaming: chunks are counted as the decompressor emits
 * them and the streams are destroyed as soon as the count passes the cap, so a small gzip that
 * inflates to gigabytes costs no more memory than maxBytes.
 */
export async function readBody(
  body: Readable,
  contentEncoding: string | null,
  maxBytes: number,
  allowTruncated: boolean,
  url: string,
): Promise<{ body: Buffer; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  const stages = decoders(contentEncoding, url);
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (size + chunk.length > maxBytes) {
        if (allowTruncated) chunks.push(chunk.subarray(0, maxBytes - size));
        size = maxBytes;
        truncated = true;
        callback(new TooLargeSignal());
        return;
      }
      chunks.push(chunk);
      size += chunk.length;
      callback();
    },
  });
  // Compressed bytes are capped too: a stream of padding that inflates to nothing must not run
  // until the deadline. (Without a coding the sink's cap is the same cap.)
  const rawCap = stages.length > 0 ? [new ByteCap(maxBytes)] : [];
  try {
    await pipeline([body, ...rawCap, ...stages, sink]);
  } catch (error) {
    if (!(error instanceof TooLargeSignal)) throw error;
    if (!allowTruncated) throw new FetchError('TOO_LARGE', `Body larger than ${maxBytes} bytes`, { url });
    truncated = true;
  }
  return { body: Buffer.concat(chunks), truncated };
}
