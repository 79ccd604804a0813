import type { ServerResponse } from 'node:http';
import { toRequestError } from '../graphql/error-formatter';

/**
 * The one way an HTTP answer that is an error is written, by /graphql before Apollo runs, the
 * edge's middlewares, the feeds and the express fallbacks: a status and a GraphQL-shaped body.
 */
export interface EarlyResponse {
  status: number;
  body: { errors: Array<{ message: string; extensions: Record<string, unknown> }> };
}

export function earlyResponse(status: number, message: string, code: string): EarlyResponse {
  return { status, body: { errors: [{ message, extensions: { code } }] } };
}

/** A domain error as an HTTP answer, with its status (401, 403, 429, ...). */
export function requestErrorResponse(error: unknown): EarlyResponse {
  const { message, extensions } = toRequestError(error);
  const { http, ...rest } = extensions as { http?: { status?: number } } & Record<string, unknown>;
  return { status: http?.status ?? 500, body: { errors: [{ message, extensions: rest }] } };
}

/** Writes the answer as JSON; a 413 also closes the connection (the rest of the body is not read). */
export function sendResponse(res: ServerResponse, response: EarlyResponse): void {
  if (response.status === 413) res.setHeader('connection', 'close');
  sendJson(res, response.status, response.body);
}

/** Any JSON answer, on a plain Node response as on express's (no ETag, no middleware). */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', Buffer.byteLength(payload));
  res.end(payload);
}

/** Ends a request with a domain error's HTTP status and a GraphQL-shaped body. */
export function sendRequestError(res: ServerResponse, error: unknown): void {
  sendResponse(res, requestErrorResponse(error));
}
