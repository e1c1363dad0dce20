import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { ApiError } from '@signet/platform';
import { W, loudRecords, withSds } from './grpc.test-helper.js';
import { WEB_ID, identities } from './identities.test-helper.js';
import { issueSvid, viewOf } from './testing/fixtures.js';
import { SdsTestClient } from './testing/sds-test-client.js';

const ids = identities();
const webView = viewOf({ svids: [ids.web], bundle: ids.bundle });

describe('SDS stream lifecycle, attestation, sharing and telemetry', () => {
  for (const [code, grpcCode] of [
    ['permission_denied', grpc.status.PERMISSION_DENIED],
    ['unavailable', grpc.status.UNAVAILABLE],
  ] as const) {
    it(`a refused attestation (${code}) ends the stream with that status before anything is sent`, async () => {
      await withSds(async (h) => {
        h.views.set(W('web'), webView);
        h.attestation.error = new ApiError(code, 'no such workload');
        for (const s of [h.client('web').sotw(), h.client('web').delta()]) {
          s.subscribe([WEB_ID]);
          const status = await s.status;
          assert.equal(status.code, grpcCode);
          assert.equal(status.details, 'no such workload');
          assert.equal(s.all.length, 0);
        }
        await h.until(() => h.sds.stats().streams.sotw + h.sds.stats().streams.delta === 0);
        assert.equal(h.views.openWatches, 0);
      });
    });
  }

  it('an unexpected attestation failure ends the stream with INTERNAL and a generic message', async () => {
    await withSds(async (h) => {
      h.attestation.error = new Error('secret detail: /proc/1234 vanished');
      const s = h.client('web').sotw();
      s.subscribe([WEB_ID]);
      const status = await s.status;
      assert.equal(status.code, grpc.status.INTERNAL);
      assert.equal(status.details, 'internal error');
    });
  });

  it('a caller whose selectors match no entry has an empty view: its names are held', async () => {
    await withSds(async (h) => {
      const s = h.client('nobody').sotw();
      s.subscribe(['default', 'ROOTCA']);
      await s.expectNone();
      assert.equal(s.ended, false);
    });
  });

  it('a cancel releases the watch and every per-stream state, and is not logged above debug', async () => {
    await withSds(async (h) => {
      h.views.set(W('web'), webView);
      const sotw = h.client('web').sotw();
      const delta = h.client('web').delta();
      sotw.subscribe([WEB_ID]);
      delta.subscribe(['ROOTCA']);
      await sotw.next();
      await delta.next();
      assert.equal(h.views.openWatches, 1, 'one watch for the two streams of the workload');
      assert.deepEqual(h.sds.stats().streams, { sotw: 1, delta: 1 });
      sotw.cancel();
      delta.cancel();
      await h.until(() => h.views.openWatches === 0);
      assert.deepEqual(h.sds.stats(), { streams: { sotw: 0, delta: 0 }, groups: 0, gateUnsettled: 0 });
      assert.deepEqual(loudRecords(h), []);
      assert.ok(h.logs.records().some((r) => r['msg'] === 'SDS stream closed' && r['level'] === 'debug'));
      assert.equal(h.meter.sum('signet.agent.sds.streams'), 0);
    });
  });

  it('a cancel during attestation releases everything too', async () => {
    await withSds(async (h) => {
      let release = (): void => {};
      h.attestation.hold = new Promise((resolve) => (release = resolve));
      const s = h.client('web').sotw();
      s.subscribe([WEB_ID]);
      await h.until(() => h.attestation.calls === 1);
      s.cancel();
      await h.until(() => h.sds.stats().streams.sotw === 0);
      release();
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(h.views.watchesOpened, 0, 'no watch was ever opened');
    });
  });

  it('a half-close ends the stream with OK and releases its state', async () => {
    await withSds(async (h) => {
      h.views.set(W('web'), webView);
      const s = h.client('web').sotw();
      s.subscribe([WEB_ID]);
      await s.next();
      s.end();
      assert.equal((await s.status).code, grpc.status.OK);
      await h.until(() => h.views.openWatches === 0);
    });
  });

  it('streams of the same workload share one watch; another workload gets its own', async () => {
    await withSds(async (h) => {
      h.views.set(W('web'), webView);
      h.views.set(W('api'), viewOf({ svids: [ids.api], bundle: ids.bundle }));
      const web = h.client('web');
      const streams = Array.from({ length: 5 }, () => web.sotw());
      for (const s of streams) s.subscribe(['ROOTCA']);
      const api = h.client('api').sotw();
      api.subscribe(['ROOTCA']);
      await Promise.all([...streams, api].map((s) => s.next()));
      assert.equal(h.views.openWatches, 2);
      assert.equal(h.sds.stats().groups, 2);
      assert.equal(h.attestation.calls, 6, 'each stream is attested once');
    });
  });

  it('hundreds of concurrent streams on one HTTP/2 connection are all answered and all get a rotation', async () => {
    await withSds(async (h) => {
      h.views.set(W('web'), webView);
      const client = h.client('web');
      const streams = Array.from({ length: 300 }, (_, i) => {
        const s = client.sotw();
        s.subscribe([i % 2 === 0 ? WEB_ID : 'default']);
        return s;
      });
      for (const s of streams) s.ack(await s.next());
      assert.equal(h.views.openWatches, 1);
      h.views.set(W('web'), { ...webView, svids: [issueSvid(ids.ca, WEB_ID)] });
      const pushes = await Promise.all(streams.map((s) => s.next()));
      assert.equal(new Set(pushes.map((p) => p.secrets[0]?.certificateChain)).size, 1, 'every stream got the same new certificate');
      await streams[0]?.expectNone();
      assert.equal(streams.reduce((n, s) => n + s.unread, 0), 0, 'exactly one push per stream');
    });
  });

  it('a stalled stream does not delay pushes to the others, and catches up with the latest content', async () => {
    await withSds(async (h) => {
      h.views.set(W('web'), webView);
      const client = h.client('web');
      const stalled = client.sotw();
      const live = client.sotw();
      stalled.subscribe([WEB_ID]);
      live.subscribe([WEB_ID]);
      await stalled.next();
      live.ack(await live.next());
      stalled.pause();
      let last = ids.web;
      for (let i = 0; i < 20; i++) {
        last = issueSvid(ids.ca, WEB_ID);
        const t0 = performance.now();
        h.views.set(W('web'), { ...webView, svids: [last] });
        const push = await live.next();
        assert.ok(push.at - t0 < 500, `push ${i} took ${(push.at - t0).toFixed(0)} ms`);
        live.ack(push);
      }
      stalled.resume();
      await h.until(() => stalled.all.length > 1);
      await new Promise((r) => setTimeout(r, 100));
      const final = stalled.all.at(-1);
      assert.ok(final?.secrets[0]?.certificateChain?.includes(Buffer.from(last.certChain[0] ?? []).toString('base64').slice(0, 64)));
    });
  });

  it('telemetry: open streams by api, responses by reason, ACKs, NACKs and push latency', async () => {
    await withSds(async (h) => {
      h.views.set(W('web'), webView);
      const s = h.client('web').sotw();
      const d = h.client('web').delta();
      s.subscribe([WEB_ID]);
      d.subscribe(['ROOTCA']);
      const first = await s.next();
      d.ack(await d.next());
      assert.equal(h.meter.sum('signet.agent.sds.streams', { api: 'sotw' }), 1);
      assert.equal(h.meter.sum('signet.agent.sds.streams', { api: 'delta' }), 1);
      s.ack(first, [WEB_ID, 'ROOTCA']);
      const added = await s.next();
      s.nack(added, 'no');
      h.views.set(W('web'), { ...webView, svids: [issueSvid(ids.ca, WEB_ID)] });
      s.ack(await s.next());
      await h.until(() => h.meter.sum('signet.agent.sds.acks') === 3);
      assert.equal(h.meter.sum('signet.agent.sds.responses', { reason: 'initial' }), 2);
      assert.equal(h.meter.sum('signet.agent.sds.responses', { reason: 'subscribe' }), 1);
      assert.equal(h.meter.sum('signet.agent.sds.responses', { reason: 'update' }), 1);
      assert.equal(h.meter.sum('signet.agent.sds.nacks', { api: 'sotw' }), 1);
      const latencies = h.meter.of('signet.agent.sds.push_latency');
      assert.equal(latencies.length, 1);
      assert.ok((latencies[0]?.value ?? 1) < 1, 'latency in seconds');
    });
  });

  it('a secret that cannot be encoded is held and logged without key material; the stream stays open', async () => {
    await withSds(async (h) => {
      const broken = { ...ids.web, certChain: [null as unknown as Uint8Array] };
      h.views.set(W('web'), viewOf({ svids: [broken], bundle: ids.bundle }));
      const s = h.client('web').sotw();
      s.subscribe([WEB_ID, 'ROOTCA']);
      assert.deepEqual((await s.next()).names, ['ROOTCA']);
      assert.ok(h.logs.records().some((r) => r['level'] === 'error' && JSON.stringify(r['secrets']) === JSON.stringify([WEB_ID])));
      h.views.set(W('web'), webView);
      assert.deepEqual((await s.next()).names, [WEB_ID]);
      assert.equal(s.ended, false);
    });
  });

  it('private keys never appear in logs', async () => {
    await withSds(async (h) => {
      h.views.set(W('web'), webView);
      const s = h.client('web').sotw();
      s.subscribe([WEB_ID]);
      const r = await s.next();
      s.nack(r, `bad key ${r.secrets[0]?.privateKey ?? ''}`);
      await h.until(() => h.sds.lastNacks().length === 1);
      const keyB64 = Buffer.from(ids.web.privateKey).toString('base64').slice(0, 40);
      assert.ok(!h.logs.text.includes(keyB64));
      assert.ok(!h.logs.text.includes('BEGIN PRIVATE KEY'));
    });
  });

  it('closing the server ends open streams with UNAVAILABLE and closes every watch', async () => {
    await withSds(async (h) => {
      h.views.set(W('web'), webView);
      const s = h.client('web').sotw();
      s.subscribe([WEB_ID]);
      await s.next();
      h.sds.close();
      assert.equal((await s.status).code, grpc.status.UNAVAILABLE);
      assert.equal(h.views.openWatches, 0);
    });
  });

  it('HTTP/2 keepalive pings from the client are tolerated on a long stream', async () => {
    await withSds(async (h) => {
      h.views.set(W('web'), webView);
      const client = new SdsTestClient(h.socketPath, {
        workload: 'web',
        channelOptions: { 'grpc.keepalive_time_ms': 500, 'grpc.keepalive_timeout_ms': 1000, 'grpc.keepalive_permit_without_calls': 1 },
      });
      try {
        const s = client.sotw();
        s.subscribe([WEB_ID]);
        s.ack(await s.next());
        await new Promise((r) => setTimeout(r, 2200));
        h.views.set(W('web'), { ...webView, svids: [issueSvid(ids.ca, WEB_ID)] });
        assert.deepEqual((await s.next()).names, [WEB_ID]);
        assert.equal(s.ended, false);
      } finally {
        client.close();
      }
    });
  });
});
