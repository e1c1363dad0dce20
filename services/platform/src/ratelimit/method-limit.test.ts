import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import type { ApiError } from '../api/api-error.js';
import type { Caller } from '../api/caller.js';
import { unary } from '../api/handler.js';
import { unaryCall } from '../grpc/client-calls.js';
import { signetProtos } from '../grpc/protos.js';
import { RETRY_AFTER_TRAILER } from '../grpc/status.js';
import { startTestGrpcServer, type TestGrpcServer } from '../grpc/testing.js';
import { FakeClock } from '../testing/fake-clock.js';
import { callerKey, withRateLimit } from './method-limit.js';
import { RateLimiter } from './rate-limiter.js';

const protos = signetProtos();

describe('withRateLimit on a signing method', () => {
  const clock = new FakeClock();
  const limiter = new RateLimiter({ ratePerSecond: 2, burst: 2, clock });
  let handled = 0;
  let t: TestGrpcServer;
  before(async () => {
    t = await startTestGrpcServer({
      services: [
        {
          definition: protos.ca,
          impl: {
            MintX509Svid: withRateLimit(
              unary(['admin'], async () => {
                handled++;
                return {};
              }),
              { limiter },
            ),
            BatchMintX509Svid: withRateLimit(
              unary<{ requests: unknown[] }, unknown>(['admin'], async () => ({ results: [] })),
              { limiter: new RateLimiter({ ratePerSecond: 10, burst: 5, clock }), cost: (r) => Math.max(1, r.requests.length) },
            ),
          },
        },
      ],
    });
  });
  after(() => t.close());

  test('calls over the limit are RESOURCE_EXHAUSTED with a retry-after trailer, and the handler does not run', async () => {
    const ca = t.client(protos.ca);
    await unaryCall((cb) => ca.MintX509Svid({}, cb));
    await unaryCall((cb) => ca.MintX509Svid({}, cb));
    const err = await new Promise<ServiceError | null>((resolve) => ca.MintX509Svid({}, new Metadata(), (e) => resolve(e)));
    assert.equal(err?.code, status.RESOURCE_EXHAUSTED);
    assert.match(err!.details, /rate limit of 2\/s exceeded for admin \(unix\); retry in 500 ms/);
    assert.deepEqual(err!.metadata.get(RETRY_AFTER_TRAILER), ['500']);
    assert.equal(handled, 2);
    clock.advance(500);
    await unaryCall((cb) => ca.MintX509Svid({}, cb));
    assert.equal(handled, 3);
  });

  test('the client sees the retry delay on the ApiError', async () => {
    const ca = t.client(protos.ca);
    await assert.rejects(unaryCall((cb) => ca.MintX509Svid({}, cb)), (err: ApiError) => {
      assert.equal(err.apiCode, 'resource_exhausted');
      assert.equal(err.retryAfterMs, 500);
      return true;
    });
  });

  test('a batch costs one token per request, and a batch larger than the burst can never pass', async () => {
    const ca = t.client(protos.ca);
    await unaryCall((cb) => ca.BatchMintX509Svid({ requests: [{}, {}, {}, {}] }, cb));
    await assert.rejects(unaryCall((cb) => ca.BatchMintX509Svid({ requests: [{}, {}] }, cb)), (err: ApiError) => err.retryAfterMs === 100);
    await assert.rejects(unaryCall((cb) => ca.BatchMintX509Svid({ requests: [{}, {}, {}, {}, {}, {}] }, cb)), (err: ApiError) => {
      assert.equal(err.apiCode, 'resource_exhausted');
      assert.match(err.message, /costs 6 tokens; at most 5/);
      assert.equal(err.retryAfterMs, undefined);
      return true;
    });
  });
});

describe('callerKey', () => {
  const cases: { name: string; caller: Caller; key: string }[] = [
    { name: 'an agent is keyed by its SPIFFE ID', caller: { kind: 'agent', via: 'mtls', spiffeId: 'spiffe://example.org/agent/a' }, key: 'spiffe://example.org/agent/a' },
    { name: 'an anonymous TCP caller is keyed by IP, not port', caller: { kind: 'anonymous', via: 'tcp', address: '10.0.0.7:51234' }, key: 'anonymous:10.0.0.7' },
    { name: 'an anonymous IPv6 caller is keyed by IP', caller: { kind: 'anonymous', via: 'tcp', address: '::1:51234' }, key: 'anonymous:::1' },
    { name: 'an admin on the socket shares one bucket', caller: { kind: 'admin', via: 'unix' }, key: 'admin:unix' },
  ];
  for (const c of cases) test(c.name, () => assert.equal(callerKey(c.caller), c.key));
});
