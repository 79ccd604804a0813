/**
 * The few Postgres wire-protocol (v3) messages the embedded database's host reads and writes
 * itself; everything else passes through to PGlite byte for byte.
 * https://www.postgresql.org/docs/current/protocol-message-formats.html
 */

export const PROTOCOL_V3 = 196608;
export const SSL_REQUEST = 80877103;
export const GSSENC_REQUEST = 80877104;
export const CANCEL_REQUEST = 80877102;
/** newsgate's own request, in the place of a startup message: "send me a backup of the data directory". */
export const BACKUP_REQUEST = 0x6e670001;

export const code = (letter: string) => letter.charCodeAt(0);

/** A typed message: type byte, length (including itself), body. */
export function message(type: string, body: Buffer = Buffer.alloc(0)): Buffer {
  const header = Buffer.alloc(5);
  header[0] = code(type);
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

export function cstring(text: string): Buffer {
  return Buffer.from(`${text}\0`, 'utf8');
}

/** The string at `offset` and the offset after its terminating zero. */
export function readCString(buffer: Buffer, offset: number): [string, number] {
  const end = buffer.indexOf(0, offset);
  if (end < 0) throw new Error('malformed message: unterminated string');
  return [buffer.toString('utf8', offset, end), end + 1];
}

export const query = (sql: string) => message('Q', cstring(sql));
export const sync = () => message('S');

/** Close ('C') of a prepared statement ('S') or portal ('P'). */
export const close = (kind: 'S' | 'P', name: string) => message('C', Buffer.concat([Buffer.from(kind), cstring(name)]));

/** An untyped request (startup, SSLRequest, our backup request): length, code, body. */
export function request(requestCode: number, body: Buffer = Buffer.alloc(0)): Buffer {
  const header = Buffer.alloc(8);
  header.writeInt32BE(body.length + 8, 0);
  header.writeInt32BE(requestCode, 4);
  return Buffer.concat([header, body]);
}

export function startup(parameters: Record<string, string>): Buffer {
  const pairs = Object.entries(parameters).flatMap(([key, value]) => [cstring(key), cstring(value)]);
  return request(PROTOCOL_V3, Buffer.concat([...pairs, Buffer.from([0])]));
}

/** The key/value pairs of a startup message's body. */
export function startupParameters(body: Buffer): Record<string, string> {
  const parameters: Record<string, string> = {};
  let offset = 0;
  while (offset < body.length && body[offset] !== 0) {
    const [key, next] = readCString(body, offset);
    const [value, after] = readCString(body, next);
    parameters[key] = value;
    offset = after;
  }
  return parameters;
}

/** ErrorResponse: severity (ERROR, FATAL), SQLSTATE and message. */
export function errorResponse(severity: 'ERROR' | 'FATAL', sqlState: string, text: string): Buffer {
  return message('E', Buffer.concat([Buffer.from('S'), cstring(severity), Buffer.from('V'), cstring(severity), Buffer.from('C'), cstring(sqlState), Buffer.from('M'), cstring(text), Buffer.from([0])]));
}

/** The readable text of an ErrorResponse body. */
export function errorText(body: Buffer): string {
  let offset = 0;
  let text = '';
  while (offset < body.length && body[offset] !== 0) {
    const field = String.fromCharCode(body[offset]!);
    const [value, next] = readCString(body, offset + 1);
    if (field === 'M') text = value;
    offset = next;
  }
  return text;
}

/**
 * Splits a byte stream into whole messages: typed ones, or (before the session starts) untyped
 * requests. What is left over waits for the next chunk.
 */
export class MessageReader {
  private buffered: Buffer = Buffer.alloc(0);

  constructor(private untyped: boolean) {}

  /** After the startup message, every message has a type byte. */
  expectTyped(): void {
    this.untyped = false;
  }

  push(chunk: Buffer): Buffer[] {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const messages: Buffer[] = [];
    let offset = 0;
    for (;;) {
      const headerLength = this.untyped ? 4 : 5;
      if (this.buffered.length - offset < headerLength) break;
      const length = this.untyped ? this.buffered.readInt32BE(offset) : 1 + this.buffered.readInt32BE(offset + 1);
      if (length < (this.untyped ? 8 : 5) || length > 1 << 30) throw new Error('malformed message length');
      if (this.buffered.length - offset < length) break;
      messages.push(this.buffered.subarray(offset, offset + length));
      offset += length;
      // Only the first message may be untyped (SSLRequest and GSSENCRequest are followed by another).
      if (this.untyped && messages[messages.length - 1]!.readInt32BE(4) === PROTOCOL_V3) this.untyped = false;
    }
    this.buffered = this.buffered.subarray(offset);
    return messages;
  }
}
