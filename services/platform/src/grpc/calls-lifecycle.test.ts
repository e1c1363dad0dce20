import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { status, type ServiceError } from '@grpc/grpc-js';
import { ApiError } from '../api/api-error.js';
import { serverStream, unary, type CallContext } from '../api/handler.js';
import { unaryCall } from './client-calls.js';
import { signetProtos } from './protos.js';
import { startTestGrpcServer } from './testing.js';

const protos = signetProtos();

/** Resolves when `signal` aborts, with its reason. */
function aborted(signal: AbortSignal): Promise<unknown> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve(signal.reason);
    else signal.addEventListener('abort', () => resolve(signal.reason), { once: true });
  });
}

/** A deferred value. */
function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('the abort signal of a call', () => {
  test('a client cancelling a stream aborts ctx.signal, and the call is audited as cancelled', async () => {
    const reason = deferred<unknown>();
    const t = await startTestGrpcServer({
      services: [
        {
          definition: protos.attestation,
          impl: {
            SyncAuthorized: serverStream(['admin'], async (_req, ctx, send) => {
              await send({ revision: '1' });
              reason.resolve(await aborted(ctx.signal));
              throw ctx.signal.reason;
            }),
          },
        },
      ],
    });
    try {
      const call = t.client(protos.attestation).SyncAuthorized({ from_revision: '0' });
      call.on('error', () => {});
      await new Promise((resolve) => call.once('data', resolve));
      call.cancel();
      const why = await reason.promise;
      assert.ok(why instanceof ApiError);
      assert.equal(why.message, 'the client cancelled the call');
      await waitFor(() => t.logs.records().some((r) => r.audit === true));
      assert.equal(t.logs.records().find((r) => r.audit === true)?.code, 'cancelled');
      assert.equal(t.logs.records().filter((r) => r.level === 'error').length, 0, 'a cancelled call is not an internal error');
    } finally {
      await t.close();
    }
  });

  test('a passed deadline aborts ctx.signal with deadline_exceeded', async () => {
    const reason = deferred<unknown>();
    const t = await startTestGrpcServer({
      services: [
        {
          definition: protos.ca,
          impl: {
            GetBundle: unary(['admin'], async (_req, ctx) => {
              reason.resolve(await aborted(ctx.signal));
              throw ctx.signal.reason;
            }),
          },
        },
      ],
    });
    try {
      const ca = t.client(protos.ca);
      await assert.rejects(
        unaryCall((cb) => ca.GetBundle({}, { deadline: Date.now() + 1_000 }, cb)),
        (err: ApiError) => err.apiCode === 'deadline_exceeded',
      );
      const why = (await reason.promise) as ApiError;
      assert.equal(why.apiCode, 'deadline_exceeded');
    } finally {
      await t.close();
    }
  });
});

describe('shutting down', () => {
  test('streams end at once with UNAVAILABLE while a unary call in flight completes', async () => {
    const unaryStarted = deferred<void>();
    const releaseUnary = deferred<void>();
    let streamCtx: CallContext | undefined;
    const t = await startTestGrpcServer({
      services: [
        {
          definition: protos.attestation,
          impl: {
            SyncAuthorized: serverStream(['admin'], async (_req, ctx, send) => {
              streamCtx = ctx;
              await send({ revision: '1' });
              await aborted(ctx.signal);
              throw ctx.signal.reason;
            }),
          },
        },
        {
          definition: protos.ca,
          impl: {
            GetBundle: unary(['admin'], async () => {
              unaryStarted.resolve();
              await releaseUnary.promise;
              return { trust_domain: 'example.org' };
            }),
          },
        },
      ],
    });
    const stream = t.client(protos.attestation).SyncAuthorized({ from_revision: '0' });
    const streamError = new Promise<ServiceError>((resolve) => stream.on('error', resolve));
    await new Promise((resolve) => stream.once('data', resolve));
    const ca = t.client(protos.ca);
    const pending = unaryCall<{ trust_domain: string }>((cb) => ca.GetBundle({}, cb));
    await unaryStarted.promise;

    const closing = t.server.close(10_000);
    const err = await streamError;
    assert.equal(err.code, status.UNAVAILABLE);
    assert.match(err.details, /shutting down/);
    assert.equal(streamCtx?.signal.aborted, true);
    releaseUnary.resolve();
    assert.equal((await pending).trust_domain, 'example.org');
    const started = Date.now();
    await closing;
    assert.ok(Date.now() - started < 5_000, 'close does not wait for the grace period once calls are done');
    await t.close();
  });

  test('a unary call still running when the grace period ends is aborted', async () => {
    const started = deferred<void>();
    const reason = deferred<unknown>();
    const t = await startTestGrpcServer({
      services: [
        {
          definition: protos.ca,
          impl: {
            GetBundle: unary(['admin'], async (_req, ctx) => {
              started.resolve();
              reason.resolve(await aborted(ctx.signal));
              throw ctx.signal.reason;
            }),
          },
        },
      ],
    });
    const ca = t.client(protos.ca);
    const pending = unaryCall((cb) => ca.GetBundle({}, cb)).catch((e: unknown) => e);
    await started.promise;
    const closedAt = Date.now();
    await t.server.close(200);
    assert.ok(Date.now() - closedAt >= 190, 'the call had the whole grace period');
    assert.equal(((await reason.promise) as ApiError).apiCode, 'unavailable');
    assert.ok((await pending) instanceof Error);
    await t.close();
  });
});

async function waitFor(check: () => boolean, timeoutMs = 2_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
