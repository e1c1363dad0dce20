import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { W, withSds } from './grpc.test-helper.js';
import { API_ID, WEB_ID, identities } from './identities.test-helper.js';
import { SECRET_TYPE_URL } from './protos.js';
import { InMemoryWorkloadViews } from './testing/in-memory-views.js';
import { issueSvid, viewOf } from './testing/fixtures.js';

const ids = identities();
const webView = viewOf({ svids: [ids.web], bundle: ids.bundle });

describe('SDS DeltaSecrets over a Unix socket', () => {
  it('Delta: subscribing to X gets X with a per-resource version and a non-empty nonce', async () => {
    await withSds(async (h) => {
      h.views.set(W('web'), webView);
      const s = h.client('web').delta();
      s.subscribe([WEB_ID]);
      const r = await s.next();
      assert.deepEqual(r.names, [WEB_ID]);
      assert.match(r.resources[0]?.version ?? '', /^[0-9a-f]{16}$/);
      assert.notEqual(r.nonce, '');
      assert.equal(r.typeUrl, SECRET_TYPE_URL);
      assert.deepEqual(r.removed, []);
      assert.equal(r.resources[0]?.secret.type, 'tls_certificate');
      await s.expectNone();
    });
  });

  it('Delta: an ACK gets no response; a NACK gets no resend; a rotation sends only X with a new version', async () => {
    await withSds(async (h) => {
      h.views.set(W('web'), webView);
      const s = h.client('web').delta();
      s.subscribe([WEB_ID, 'ROOTCA']);
      const first = await s.next();
      s.ack(first);
      await s.expectNone();
      h.views.set(W('web'), { ...webView, svids: [issueSvid(ids.ca, WEB_ID)] });
      const second = await s.next();
      assert.deepEqual(second.names, [WEB_ID]);
      assert.notEqual(second.resources[0]?.version, first.resources[0]?.version);
      s.nack(second, 'rejected');
      await s.expectNone();
      assert.deepEqual(h.sds.lastNacks()[0]?.names, [WEB_ID]);
      assert.equal(h.sds.lastNacks()[0]?.api, 'delta');
    });
  });

  it('Delta: a re-subscribe re-sends the resource', async () => {
    await withSds(async (h) => {
      h.views.set(W('web'), webView);
      const s = h.client('web').delta();
      s.subscribe([WEB_ID]);
      const first = await s.next();
      s.ack(first);
      s.send({ subscribe: [WEB_ID] });
      const again = await s.next();
      assert.deepEqual(again.names, [WEB_ID]);
      assert.equal(again.resources[0]?.version, first.resources[0]?.version);
    });
  });

  it('Delta: an unsubscribe gets no response and stops pushes; a phantom unsubscribe is accepted silently', async () => {
    await withSds(async (h) => {
      h.views.set(W('web'), webView);
      const s = h.client('web').delta();
      s.subscribe([WEB_ID, 'ROOTCA']);
      s.ack(await s.next());
      s.send({ unsubscribe: [WEB_ID, 'never-subscribed'] });
      await s.expectNone();
      h.views.set(W('web'), { ...webView, svids: [issueSvid(ids.ca, WEB_ID)] });
      await s.expectNone();
      assert.equal(s.ended, false);
    });
  });

  it('Delta: initial_resource_versions on a reconnect skips unchanged resources, even after an agent restart', async () => {
    const views = new InMemoryWorkloadViews('example.org');
    views.set(W('web'), webView);
    let versions: Record<string, string> = {};
    await withSds(
      async (h) => {
        const s = h.client('web').delta();
        s.subscribe([WEB_ID, 'ROOTCA']);
        const r = await s.next();
        versions = Object.fromEntries(r.resources.map((x) => [x.name, x.version]));
      },
      { views },
    );
    await withSds(
      async (h) => {
        const s = h.client('web').delta();
        s.subscribe([WEB_ID, 'ROOTCA'], versions);
        await s.expectNone();
        h.views.set(W('web'), { ...webView, svids: [issueSvid(ids.ca, WEB_ID)] });
        assert.deepEqual((await s.next()).names, [WEB_ID]);
        const stale = h.client('web').delta();
        stale.subscribe([WEB_ID, 'ROOTCA'], versions);
        assert.deepEqual((await stale.next()).names, [WEB_ID], 'a changed resource is re-sent on reconnect');
      },
      { views },
    );
  });

  it('Delta: a stale nonce with subscription changes still has them applied', async () => {
    await withSds(async (h) => {
      h.views.set(W('web'), webView);
      const s = h.client('web').delta();
      s.subscribe([WEB_ID]);
      const first = await s.next();
      h.views.set(W('web'), { ...webView, svids: [issueSvid(ids.ca, WEB_ID)] });
      await s.next();
      s.send({ nonce: first.nonce, subscribe: ['ROOTCA'] });
      assert.deepEqual((await s.next()).names, ['ROOTCA']);
    });
  });

  it('Delta: an unknown name is held (never in removed_resources) and pushed once it exists', async () => {
    await withSds(async (h) => {
      h.views.set(W('web'), webView);
      const s = h.client('web').delta();
      s.subscribe([API_ID]);
      await s.expectNone();
      h.views.set(W('web'), { ...webView, svids: [ids.web, ids.api] });
      const r = await s.next();
      assert.deepEqual(r.names, [API_ID]);
      assert.deepEqual(r.removed, []);
      h.views.set(W('web'), webView);
      await s.expectNone();
    });
  });

  it('Delta: never two copies of the same name in one response', async () => {
    await withSds(async (h) => {
      h.views.set(W('web'), webView);
      const s = h.client('web').delta();
      s.subscribe([WEB_ID, WEB_ID, 'default', 'default']);
      assert.deepEqual((await s.next()).names, [WEB_ID, 'default']);
    });
  });
});
