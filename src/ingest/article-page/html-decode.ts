import iconv from 'iconv-lite';
import { charsetFromContentType } from '../parser';

const META_CHARSET = /<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)/i;

/**
 * An HTML page's bytes as text: byte-order mark, then the HTTP charset, then `<meta charset>` (or
 * the http-equiv form) in the first kilobytes, then UTF-8, as browsers do (WHATWG encoding
 * sniffing, without guessing from byte statistics).
 */
export function decodeHtml(body: Buffer, contentType: string | null | undefined): string {
  if (body.length >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) return body.subarray(3).toString('utf8');
  if (body.length >= 2 && body[0] === 0xff && body[1] === 0xfe) return iconv.decode(body.subarray(2), 'utf-16le');
  if (body.length >= 2 && body[0] === 0xfe && body[1] === 0xff) return iconv.decode(body.subarray(2), 'utf-16be');
  const declared = charsetFromContentType(contentType) ?? META_CHARSET.exec(body.subarray(0, 4096).toString('latin1'))?.[1] ?? 'utf-8';
  const label = declared.toLowerCase();
  // A page labelled UTF-16 in ASCII-compatible bytes (it cannot be: the label itself was ASCII) is UTF-8.
  const encoding = label.startsWith('utf-16') ? 'utf-8' : label === 'iso-8859-1' || label === 'us-ascii' ? 'windows-1252' : label;
  return iconv.encodingExists(encoding) ? iconv.decode(body, encoding) : body.toString('utf8');
}

/** Whether a response is an HTML page (or unlabelled, which servers often leave HTML as). */
export function isHtml(contentType: string | null | undefined): boolean {
  if (!contentType) return true;
  return /^\s*(text\/html|application\/xhtml\+xml)\b/i.test(contentType);
}
