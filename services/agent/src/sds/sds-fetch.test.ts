import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { ApiError } from '@signet/platform';
import { W, withSds } from './grpc.test-helper.js';
import { WEB_ID, identities } from './identities.test-helper.js';
import { SECRET_TYPE_URL } from './protos.js';
import { viewOf } from './testing/fixtures.js';
import { OLD_ENVOY_NODE } from './testing/sds-test-client.js';

const ids = identities();
const webView = viewOf({ svids: [ids.web], bundle: ids.bundle });

describe('SDS FetchSecrets', () => {
  it('returns the current content of known names with version_info set and an empty nonce, omitting unknown ones', async () => {
    await withSds(async (h) => {
      h.views.set(W('web'), webView);
      const r = await h.client('web').fetch([WEB_ID, 'nope', 'ROOTCA', WEB_ID]);
      assert.deepEqual(
        r.secrets.map((s) => s.name),
        [WEB_ID, 'ROOTCA'],
      );
      assert.match(r.versionInfo, /^[0-9a-f]{16}$/);
      assert.equal(r.nonce, '');
      assert.equal(r.typeUrl, SECRET_TYPE_URL);
      const again = await h.client('web').fetch([WEB_ID, 'ROOTCA']);
      assert.equal(again.versionInfo, r.versionInfo, 'same content, same version');
    });
  });

  it('answers NOT_FOUND, naming the names, when none is known', async () => {
    await withSds(async (h) => {
      h.views.set(W('web'), webView);
      await assert.rejects(h.client('web').fetch(['spiffe://example.org/db', 'ALL-THE-THINGS']), (err: grpc.ServiceError) => {
        assert.equal(err.code, grpc.status.NOT_FOUND);
        assert.match(err.details, /"spiffe:\/\/example.org\/db", "ALL-THE-THINGS"/);
        return true;
      });
    });
  });

  it('an empty name list is INVALID_ARGUMENT', async () => {
    await withSds(async (h) => {
      await assert.rejects(h.client('web').fetch([]), (err: grpc.ServiceError) => err.code === grpc.status.INVALID_ARGUMENT);
    });
  });

  it('creates no subscription state', async () => {
    await withSds(async (h) => {
      h.views.set(W('web'), webView);
      await h.client('web').fetch([WEB_ID]);
      assert.equal(h.views.openWatches, 0);
      assert.deepEqual(h.sds.stats(), { streams: { sotw: 0, delta: 0 }, groups: 0, gateUnsettled: 0 });
    });
  });

  it('attests the caller: a refused caller gets PERMISSION_DENIED', async () => {
    await withSds(async (h) => {
      h.views.set(W('web'), webView);
      h.attestation.error = new ApiError('permission_denied', 'the calling process is gone');
      await assert.rejects(h.client('web').fetch([WEB_ID]), (err: grpc.ServiceError) => {
        assert.equal(err.code, grpc.status.PERMISSION_DENIED);
        assert.equal(err.details, 'the calling process is gone');
        return true;
      });
    });
  });

  it("honours the node's validation-context form", async () => {
    await withSds(async (h) => {
      h.views.set(W('web'), webView);
      const r = await h.client('web').fetch(['ROOTCA'], OLD_ENVOY_NODE);
      assert.ok(r.secrets[0]?.trustedCa);
      assert.equal(r.secrets[0]?.validator, undefined);
    });
  });
});
