import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '@signet/platform';
import { TestCa } from '@signet/spiffe/testing';
import { W, withSds } from './grpc.test-helper.js';
import { API_ID, TD, WEB_ID, identities } from './identities.test-helper.js';
import { issueSvid, viewOf } from './testing/fixtures.js';
import type { SdsHarness } from './testing/harness.js';

/** A CA rotation: a new root for the own trust domain; the bundle holds old and new roots; SVIDs from the new CA. */
function rotation() {
  const ids = identities();
  const next = TestCa.create(TD);
  const rotatedBundle = { ...ids.bundle, x509Authorities: [ids.ca.certificate, next.certificate] };
  return {
    ids,
    before: { web: viewOf({ svids: [ids.web], bundle: ids.bundle }), api: viewOf({ svids: [ids.api], bundle: ids.bundle }) },
    after: {
      web: viewOf({ svids: [issueSvid(next, WEB_ID)], bundle: rotatedBundle }),
      api: viewOf({ svids: [issueSvid(next, API_ID)], bundle: rotatedBundle }),
    },
  };
}

async function rotationSetup(h: SdsHarness) {
  const r = rotation();
  h.views.set(W('web'), r.before.web);
  h.views.set(W('api'), r.before.api);
  const web = h.client('web');
  const api = h.client('api');
  const webCert = web.sotw();
  const webRoot = web.sotw();
  const apiCert = api.sotw();
  const apiAll = api.delta();
  webCert.subscribe([WEB_ID]);
  webRoot.subscribe(['ROOTCA']);
  apiCert.subscribe([API_ID]);
  apiAll.subscribe(['ALL']);
  for (const s of [webCert, webRoot, apiCert]) s.ack(await s.next());
  apiAll.ack(await apiAll.next());
  return { r, webCert, webRoot, apiCert, apiAll };
}

function rotate(h: SdsHarness, r: ReturnType<typeof rotation>): void {
  // One cache update: both workloads' views change in the same tick.
  h.views.set(W('web'), r.after.web);
  h.views.set(W('api'), r.after.api);
}

describe('SDS CA rotation order', () => {
  it('the bundle reaches validation contexts before the new SVID, which waits for their ACKs', async () => {
    await withSds(async (h) => {
      const { r, webCert, webRoot, apiCert, apiAll } = await rotationSetup(h);
      rotate(h, r);
      const rootPush = await webRoot.next();
      const allPush = await apiAll.next();
      assert.equal(rootPush.secrets[0]?.validator?.trustDomains[0]?.pem.match(/BEGIN CERTIFICATE/g)?.length, 2);
      assert.equal(allPush.resources[0]?.secret.validator?.trustDomains[0]?.pem.match(/BEGIN CERTIFICATE/g)?.length, 2);
      await Promise.all([webCert.expectNone(), apiCert.expectNone()]);
      assert.equal(h.sds.stats().gateUnsettled, 2);
      webRoot.ack(rootPush);
      await Promise.all([webCert.expectNone(), apiCert.expectNone()]);
      const lastAck = performance.now();
      apiAll.ack(allPush);
      const [webNew, apiNew] = await Promise.all([webCert.next(), apiCert.next()]);
      assert.deepEqual(webNew.names, [WEB_ID]);
      assert.deepEqual(apiNew.names, [API_ID]);
      for (const push of [webNew, apiNew]) {
        assert.ok(push.at > rootPush.at && push.at > allPush.at, 'SVIDs arrive after both bundles');
        assert.ok(push.at >= lastAck, 'and after the last bundle ACK');
      }
      await Promise.all([webCert.expectNone(), webRoot.expectNone(), apiCert.expectNone(), apiAll.expectNone()]);
    });
  });

  it('without ACKs, the new SVID is pushed once bundleFirstTimeoutMs has passed', async () => {
    const clock = new FakeClock();
    await withSds(
      async (h) => {
        const { r, webCert, webRoot, apiAll } = await rotationSetup(h);
        rotate(h, r);
        await webRoot.next();
        await apiAll.next();
        await webCert.expectNone();
        clock.advance(1999);
        await webCert.expectNone();
        clock.advance(1);
        assert.deepEqual((await webCert.next()).names, [WEB_ID]);
        assert.ok(h.logs.records().some((x) => x['msg'] === 'CA rotation: SVID pushes released after the bundle-first timeout' && x['unsettled'] === 2));
      },
      { clock, config: { bundleFirstTimeoutMs: 2000 } },
    );
  });

  it('a NACK of the bundle push also releases the SVID', async () => {
    await withSds(async (h) => {
      const { r, webCert, webRoot, apiAll } = await rotationSetup(h);
      rotate(h, r);
      webRoot.nack(await webRoot.next(), 'bad bundle');
      apiAll.nack(await apiAll.next(), 'bad bundle');
      assert.deepEqual((await webCert.next()).names, [WEB_ID]);
    });
  });

  it('a bundle stream that closes no longer holds the SVID back', async () => {
    await withSds(async (h) => {
      const { r, webCert, webRoot, apiAll } = await rotationSetup(h);
      rotate(h, r);
      webRoot.ack(await webRoot.next());
      await apiAll.next();
      await webCert.expectNone();
      apiAll.cancel();
      assert.deepEqual((await webCert.next()).names, [WEB_ID]);
    });
  });

  it('a stream subscribed to both the SVID and the bundle gets them together, in one response, after the other bundle pushes settle', async () => {
    await withSds(async (h) => {
      const r = rotation();
      h.views.set(W('web'), r.before.web);
      const c = h.client('web');
      const both = c.sotw();
      const root = c.sotw();
      both.subscribe([WEB_ID, 'ROOTCA']);
      root.subscribe(['ROOTCA']);
      both.ack(await both.next());
      root.ack(await root.next());
      h.views.set(W('web'), r.after.web);
      const rootPush = await root.next();
      await both.expectNone();
      root.ack(rootPush);
      const combined = await both.next();
      assert.deepEqual([...combined.names].sort(), ['ROOTCA', WEB_ID].sort());
      await both.expectNone();
    });
  });

  it('an SVID rotation without bundle change is not delayed', async () => {
    await withSds(async (h) => {
      const { r, webCert, webRoot } = await rotationSetup(h);
      const t0 = performance.now();
      h.views.set(W('web'), { ...r.before.web, svids: [issueSvid(r.ids.ca, WEB_ID)] });
      const push = await webCert.next();
      assert.ok(push.at - t0 < 250, `pushed after ${(push.at - t0).toFixed(0)} ms`);
      await webRoot.expectNone();
    });
  });

  it('repeated rotations of 1-minute SVIDs: one push per rotation per subscribed stream, none missed or doubled, no stream error', async () => {
    await withSds(async (h) => {
      const ids = identities();
      h.views.set(W('web'), viewOf({ svids: [issueSvid(ids.ca, WEB_ID, { ttlSeconds: 60 })], bundle: ids.bundle }));
      const c = h.client('web');
      const sotw = c.sotw();
      const delta = c.delta();
      const root = c.sotw();
      sotw.subscribe(['default']);
      delta.subscribe([WEB_ID]);
      root.subscribe(['ROOTCA']);
      sotw.ack(await sotw.next());
      delta.ack(await delta.next());
      root.ack(await root.next());
      const seen = new Set<string>();
      for (let i = 0; i < 40; i++) {
        const svid = issueSvid(ids.ca, WEB_ID, { ttlSeconds: 60 });
        h.views.set(W('web'), viewOf({ svids: [svid], bundle: ids.bundle }));
        const [a, b] = await Promise.all([sotw.next(), delta.next()]);
        assert.equal(a.secrets[0]?.certificateChain, b.resources[0]?.secret.certificateChain);
        assert.ok(!seen.has(a.secrets[0]?.certificateChain ?? ''), 'each push carries a new certificate');
        seen.add(a.secrets[0]?.certificateChain ?? '');
        sotw.ack(a);
        delta.ack(b);
      }
      await Promise.all([sotw.expectNone(), delta.expectNone(), root.expectNone()]);
      assert.equal(sotw.all.length, 41);
      assert.equal(delta.all.length, 41);
      assert.equal(root.all.length, 1);
      assert.ok(!sotw.ended && !delta.ended && !root.ended);
      assert.equal(h.sds.lastNacks().length, 0);
    });
  });
});
