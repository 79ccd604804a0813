/**
 * Whether a followed source is fetched on its schedule. Stored as text (no enum migrations). In a
 * module of its own, without TypeORM, so that the command line can read it without loading the ORM.
 */
export enum FetchState {
  ACTIVE = 'active',
  /** Paused by an admin. */
  PAUSED = 'paused',
  /** Paused automatically after too many consecutive failures; the last error is kept. */
  FAILING = 'failing',
}
