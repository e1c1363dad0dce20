import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { X509SvidInvalidError } from '@signet/spiffe';
import { ApiError } from '../api/api-error.js';
import { unary, type CallerKind } from '../api/handler.js';
import { RETRY_AFTER_TRAILER, FIELD_TRAILER } from './status.js';
import { signetProtos } from './protos.js';
import { startTestGrpcServer, type TestGrpcServer } from './testing.js';

const protos = signetProtos();

/** An error shaped like `@signet/datastore`'s (which this package cannot import). */
class FakeDatastoreError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** Calls GetBundle and returns the raw gRPC error. */
function callRaw(t: TestGrpcServer, metadata = new Metadata()): Promise<ServiceError | null> {
  const ca = t.client(protos.ca);
  return new Promise((resolve) => ca.GetBundle({}, metadata, (err) => resolve(err)));
}

describe('errors thrown by handlers reach the caller through toGrpcStatus', () => {
  const cases: { name: string; error: unknown; code: status; details: string; field?: string; retryAfter?: string; logged?: boolean }[] = [
    {
      name: 'an ApiError invalid_argument names its field',
      error: ApiError.invalid('selectors[0].type', 'must not be empty'),
      code: status.INVALID_ARGUMENT,
      details: 'selectors[0].type: must not be empty',
      field: 'selectors[0].type',
    },
    { name: 'an ApiError not_found', error: new ApiError('not_found', 'entry e1 does not exist'), code: status.NOT_FOUND, details: 'entry e1 does not exist' },
    {
      name: 'an ApiError resource_exhausted carries its retry delay',
      error: new ApiError('resource_exhausted', 'too many signing requests', { retryAfterMs: 1234.2 }),
      code: status.RESOURCE_EXHAUSTED,
      details: 'too many signing requests',
      retryAfter: '1235',
    },
    {
      name: 'an SDK error (invalid X.509-SVID) is a client error with its message',
      error: new X509SvidInvalidError('x509svid: the leaf certificate has no URI SAN'),
      code: status.INVALID_ARGUMENT,
      details: 'x509svid: the leaf certificate has no URI SAN',
    },
    {
      name: 'a datastore error keeps its message and field',
      error: new FakeDatastoreError('ERR_DATASTORE_ALREADY_EXISTS', 'registration_entries.spiffe_id: an entry with these selectors exists', 'spiffe_id'),
      code: status.ALREADY_EXISTS,
      details: 'registration_entries.spiffe_id: an entry with these selectors exists',
      field: 'spiffe_id',
    },
    {
      name: 'an unavailable datastore is UNAVAILABLE',
      error: new FakeDatastoreError('ERR_DATASTORE_UNAVAILABLE', 'datastore: the database is unreachable'),
      code: status.UNAVAILABLE,
      details: 'datastore: the database is unreachable',
    },
    {
      name: 'a plain Error is hidden as an internal error and logged with its cause',
      error: new Error('key pool exhausted while loading authority a7'),
      code: status.INTERNAL,
      details: 'internal error',
      logged: true,
    },
    {
      name: 'an ApiError internal is hidden too',
      error: new ApiError('internal', 'key manager returned garbage'),
      code: status.INTERNAL,
      details: 'internal error',
      logged: true,
    },
    { name: 'a thrown string is an internal error', error: 'oops', code: status.INTERNAL, details: 'internal error', logged: true },
  ];

  let t: TestGrpcServer;
  let next: unknown;
  before(async () => {
    t = await startTestGrpcServer({
      services: [
        {
          definition: protos.ca,
          impl: {
            GetBundle: unary(['admin'], async () => {
              throw next;
            }),
          },
        },
      ],
    });
  });
  after(() => t.close());

  for (const c of cases) {
    test(c.name, async () => {
      next = c.error;
      t.logs.clear();
      const err = await callRaw(t);
      assert.ok(err);
      assert.equal(err.code, c.code);
      assert.equal(err.details, c.details);
      assert.deepEqual(err.metadata.get(FIELD_TRAILER), c.field === undefined ? [] : [c.field]);
      assert.deepEqual(err.metadata.get(RETRY_AFTER_TRAILER), c.retryAfter === undefined ? [] : [c.retryAfter]);
      const errorLines = t.logs.records().filter((r) => r.level === 'error');
      assert.equal(errorLines.length, c.logged ? 1 : 0);
      if (c.logged) {
        assert.match(String(errorLines[0]?.msg), /GetBundle failed with an internal error/);
        assert.ok(errorLines[0]?.err !== undefined, 'the cause is logged');
        if (c.error instanceof Error) assert.match(JSON.stringify(errorLines[0]?.err), new RegExp(c.error.message));
      }
      const audit = t.logs.records().find((r) => r.audit === true);
      assert.equal(audit?.code, c.logged ? 'internal' : ({ 3: 'invalid_argument', 5: 'not_found', 6: 'already_exists', 8: 'resource_exhausted', 14: 'unavailable' } as Record<number, string>)[c.code]);
    });
  }
});

describe('the allow list of a method', () => {
  const cases: { name: string; admin: boolean; allow: CallerKind[]; code: status | null; details?: RegExp }[] = [
    { name: 'an admin may call an admin method', admin: true, allow: ['admin'], code: null },
    { name: 'an anonymous caller may call a method open to anonymous callers', admin: false, allow: ['anonymous'], code: null },
    {
      name: 'an anonymous caller of an admin method is UNAUTHENTICATED',
      admin: false,
      allow: ['admin'],
      code: status.UNAUTHENTICATED,
      details: /^signet\.ca\.v1\.CA\/GetBundle is not allowed for anonymous callers \(allowed: admin\)/,
    },
    {
      name: 'an admin calling an agent-only method is PERMISSION_DENIED',
      admin: true,
      allow: ['agent', 'server'],
      code: status.PERMISSION_DENIED,
      details: /^signet\.ca\.v1\.CA\/GetBundle is not allowed for admin callers \(allowed: agent, server\)$/,
    },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      let ran = false;
      const t = await startTestGrpcServer({
        admin: c.admin,
        services: [
          {
            definition: protos.ca,
            impl: {
              GetBundle: unary(c.allow, async () => {
                ran = true;
                return { trust_domain: 'example.org' };
              }),
            },
          },
        ],
      });
      try {
        const err = await callRaw(t);
        assert.equal(err?.code ?? null, c.code);
        if (c.details) assert.match(err!.details, c.details);
        assert.equal(ran, c.code === null, 'the handler runs only for allowed callers');
      } finally {
        await t.close();
      }
    });
  }
});
