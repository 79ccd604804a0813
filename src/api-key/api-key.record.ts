/** A row of `api_key`, as the repository reads it: the GraphQL type (api-key.types.ts) shows it to admins, never its hash. */
export interface ApiKeyRecord {
  __typename: 'ApiKey';
  /** Row id (uuid): what `revokeApiKey(id:)` and `newsgate keys revoke <id>` take. */
  id: string;
  keyId: string;
  name: string;
  secretHash: string;
  allowedOrigins: string[];
  allowedOperations: string[] | null;
  createdAt: Date;
  revokedAt: Date | null;
}

/** What issuing a key takes: the partner's name and what the key may do. */
export interface NewApiKey {
  name: string;
  allowedOrigins?: string[] | null;
  allowedOperations?: string[] | null;
}
