/** The pipeline's first step, the fetcher: guarded GETs (address policy at connect time, deadline, size cap, redirects, conditional GET), per-host limits. */
export { fetchResource, FEED_ACCEPT, type FetchOptions, type FetchResult } from './fetch-resource';
export { FetchError } from './errors';
export { HostLimiter } from './host-limiter';
export { BlockedAddressError, GuardedAgent, refusedHost } from './address-guard';
