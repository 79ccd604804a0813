/** The pipeline's first step, the fetcher: guarded GETs (address policy at connect time, deadline, size cap, redirects, conditional GET), per-host limits. */
export {
  fetchResource,
  closeSharedAgents,
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_REDIRECTS,
  DEFAULT_TIMEOUT_MS,
  DEFAULT_USER_AGENT,
  FEED_ACCEPT,
  type FetchOptions,
  type FetchResult,
  type FetchOk,
  type FetchNotModified,
  type FetchHeaders,
} from './fetch-resource';
export { FetchError, type FetchErrorCode, type FetchErrorDetails } from './errors';
export { HostLimiter } from './host-limiter';
export { AddressPolicy, BlockedAddressError, GuardedAgent, parseAllowlist, refusedHost, type GuardedAgentOptions, type LookupAll } from './address-guard';
export { parseRetryAfter } from './retry-after';
