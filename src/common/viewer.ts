import type { Caller } from './request-context';

/**
 * The caller of a request, as the edge established it (src/edge/authentication.ts): resolvers,
 * limits, CORS and the feeds read it from the request context.
 */
export interface Viewer extends Caller {
  kind: 'anonymous' | 'admin' | 'partner';
  /** Partner key id, or the client address for anonymous callers: what limits are counted per. */
  id: string;
  /** The partner's key (its allowed origins and operations), for partners only. */
  apiKey?: ViewerKey;
}

/** What the edge reads of a partner's key (an ApiKeyRecord, src/api-key/api-key.record.ts). */
interface ViewerKey {
  id: string;
  keyId: string;
  name: string;
  allowedOrigins: string[];
  allowedOperations: string[] | null;
}
