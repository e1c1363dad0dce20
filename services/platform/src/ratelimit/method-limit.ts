/**
 * Rate limiting a method per caller: the CA limits signing this way.
 * @module
 */
import { ApiError } from '../api/api-error.js';
import { describeCaller, type Caller } from '../api/caller.js';
import { bidiStream, serverStream, unary, type CallContext, type CallerKind, type MethodSpec } from '../api/handler.js';
import type { RateLimiter } from './rate-limiter.js';

/** How a method is limited. */
export interface MethodRateLimit<Req> {
  readonly limiter: RateLimiter;
  /** The bucket of a call (default: {@link callerKey}). */
  readonly key?: (ctx: CallContext) => string;
  /** Tokens a call costs (default 1), e.g. the number of CSRs of a batch. Streams with client messages cost 1. */
  readonly cost?: (request: Req) => number;
  /** Caller kinds not limited (default none). */
  readonly exempt?: readonly CallerKind[];
}

/**
 * The default bucket of a caller: its SPIFFE ID when it has one, its IP address when anonymous
 * over TCP (not the port, which changes with each connection), else its kind and transport.
 */
export function callerKey(caller: Caller): string {
  if ('spiffeId' in caller && caller.spiffeId !== undefined) return caller.spiffeId;
  if (caller.kind === 'anonymous' && caller.address !== undefined) return `anonymous:${caller.address.replace(/:\d+$/, '')}`;
  return `${caller.kind}:${caller.via}`;
}

/**
 * Wraps `spec` so each call first takes tokens from its caller's bucket. A call over the limit
 * fails with `resource_exhausted` and `retryAfterMs` (sent as the `retry-after-ms` trailer, or
 * `Retry-After` over REST) without running the handler. The check runs after the allow list, so
 * refused callers spend nothing.
 *
 * @example
 * ```ts
 * const signing = new RateLimiter({ ratePerSecond: 100, burst: 200 });
 * const impl = {
 *   MintX509Svid: withRateLimit(mintX509Svid, { limiter: signing }),
 *   BatchMintX509Svid: withRateLimit(batchMint, { limiter: signing, cost: (r) => Math.max(1, r.requests.length) }),
 * };
 * ```
 */
export function withRateLimit<Req, Res>(spec: MethodSpec<Req, Res>, limit: MethodRateLimit<Req>): MethodSpec<Req, Res> {
  const check = (ctx: CallContext, request: Req | undefined): void => {
    if (limit.exempt?.includes(ctx.caller.kind)) return;
    const cost = request === undefined || limit.cost === undefined ? 1 : limit.cost(request);
    if (cost > limit.limiter.burst) {
      throw new ApiError('resource_exhausted', `${ctx.method}: this request costs ${cost} tokens; at most ${limit.limiter.burst} are allowed at once`);
    }
    const result = limit.limiter.take((limit.key ?? ((c: CallContext) => callerKey(c.caller)))(ctx), cost);
    if (!result.ok) {
      throw new ApiError(
        'resource_exhausted',
        `${ctx.method}: rate limit of ${limit.limiter.ratePerSecond}/s exceeded for ${describeCaller(ctx.caller)}; retry in ${result.retryAfterMs} ms`,
        { retryAfterMs: result.retryAfterMs },
      );
    }
  };
  const opts = spec.audit === undefined ? {} : { audit: spec.audit };
  switch (spec.type) {
    case 'unary': {
      const handler = spec.handler;
      return unary<Req, Res>(spec.allow, async (request, ctx) => {
        check(ctx, request);
        return handler(request, ctx);
      }, opts);
    }
    case 'server_stream': {
      const handler = spec.handler;
      return serverStream<Req, Res>(spec.allow, async (request, ctx, send) => {
        check(ctx, request);
        return handler(request, ctx, send);
      }, opts);
    }
    case 'bidi_stream': {
      const handler = spec.handler;
      return bidiStream<Req, Res>(spec.allow, async (requests, ctx, send) => {
        check(ctx, undefined);
        return handler(requests, ctx, send);
      }, opts);
    }
  }
}
