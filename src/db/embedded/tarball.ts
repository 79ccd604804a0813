import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzip as gunzipCallback, gzip as gzipCallback } from 'node:zlib';

export const gzip = promisify(gzipCallback);
export const gunzip = promisify(gunzipCallback);

const RECORD = 512;

/**
 * The entry name of a tar (ustar) header: `prefix/name` when the prefix field is used. PGlite's
 * dumpDataDir names entries from the data directory's root, such as `/PG_VERSION`.
 */
function entryName(header: Buffer): string {
  const field = (start: number, length: number) => {
    const raw = header.subarray(start, start + length);
    const end = raw.indexOf(0);
    return raw.toString('utf8', 0, end < 0 ? length : end);
  };
  const name = field(0, 100);
  const prefix = header.toString('latin1', 257, 262) === 'ustar' ? field(345, 155) : '';
  return prefix ? `${prefix}/${name}` : name;
}

/** The tar without the top-level files named (PGlite's dumps hold whatever the directory holds). */
export function withoutTopLevelFiles(tar: Buffer, names: string[]): Buffer {
  const drop = new Set(names.flatMap((name) => [name, `/${name}`, `./${name}`]));
  const kept: Buffer[] = [];
  let offset = 0;
  while (offset + RECORD <= tar.length) {
    const header = tar.subarray(offset, offset + RECORD);
    if (header.every((byte) => byte === 0)) break;
    const size = parseInt(header.toString('latin1', 124, 136).replace(/\0.*$/, '').trim() || '0', 8);
    const end = offset + RECORD + Math.ceil(size / RECORD) * RECORD;
    if (!drop.has(entryName(header))) kept.push(tar.subarray(offset, end));
    offset = end;
  }
  // A tar ends with two empty records.
  kept.push(Buffer.alloc(RECORD * 2));
  return Buffer.concat(kept);
}

/** Whether the tar holds a top-level file by this name. */
export function hasTopLevelFile(tar: Buffer, name: string): boolean {
  const wanted = new Set([name, `/${name}`, `./${name}`]);
  let offset = 0;
  while (offset + RECORD <= tar.length) {
    const header = tar.subarray(offset, offset + RECORD);
    if (header.every((byte) => byte === 0)) return false;
    if (wanted.has(entryName(header))) return true;
    const size = parseInt(header.toString('latin1', 124, 136).replace(/\0.*$/, '').trim() || '0', 8);
    if (!Number.isFinite(size)) return false;
    offset += RECORD + Math.ceil(size / RECORD) * RECORD;
  }
  return false;
}

/** One ustar header block. Names must fit its 100 bytes (data directory paths do, by far). */
function header(name: string, type: '0' | '5', mode: number, size: number, mtime: Date): Buffer {
  const block = Buffer.alloc(RECORD);
  const put = (text: string, offset: number, length: number) => {
    const bytes = Buffer.from(text, 'utf8');
    if (bytes.length > length) throw new Error(`tar: "${name}" is too long for a tar header`);
    bytes.copy(block, offset);
  };
  // Numbers are zero-padded octal ending in NUL.
  const octal = (value: number, length: number) => `${value.toString(8).padStart(length - 1, '0')}\0`;
  put(name, 0, 100);
  put(octal(mode & 0o7777, 8), 100, 8);
  put(octal(0, 8), 108, 8);
  put(octal(0, 8), 116, 8);
  put(octal(size, 12), 124, 12);
  put(octal(Math.floor(mtime.getTime() / 1000), 12), 136, 12);
  put('        ', 148, 8);
  put(type, 156, 1);
  put('ustar\u000000', 257, 8);
  let sum = 0;
  for (const byte of block) sum += byte;
  put(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8);
  return block;
}

/**
 * A tar (ustar) of the directory `root`, read with Node's own file system calls, in the layout of
 * PGlite's dumpDataDir (which loadDataDir restores): entry names relative to the root, directories
 * included so empty ones come back. `skip` leaves entries out. Sockets and other special files are
 * never included.
 */
export function tarDirectory(root: string, skip: (relative: string) => boolean = () => false): Buffer {
  const parts: Buffer[] = [];
  const visit = (relative: string) => {
    for (const entry of readdirSync(path.join(root, relative)).sort()) {
      const name = relative ? `${relative}/${entry}` : entry;
      if (skip(name)) continue;
      const stat = lstatSync(path.join(root, name));
      if (stat.isDirectory()) {
        parts.push(header(name, '5', stat.mode, 0, stat.mtime));
        visit(name);
      } else if (stat.isFile()) {
        const data = readFileSync(path.join(root, name));
        parts.push(header(name, '0', stat.mode, data.length, stat.mtime), data);
        const padding = (RECORD - (data.length % RECORD)) % RECORD;
        if (padding > 0) parts.push(Buffer.alloc(padding));
      }
    }
  };
  visit('');
  parts.push(Buffer.alloc(RECORD * 2));
  return Buffer.concat(parts);
}
