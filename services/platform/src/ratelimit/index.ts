/**
 * Rate limiting: token buckets keyed by caller, and a method wrapper answering RESOURCE_EXHAUSTED.
 * @module
 */
export { RateLimiter } from './rate-limiter.js';
export type { RateLimiterOptions, TakeResult } from './rate-limiter.js';
export { callerKey, withRateLimit } from './method-limit.js';
export type { MethodRateLimit } from './method-limit.js';
