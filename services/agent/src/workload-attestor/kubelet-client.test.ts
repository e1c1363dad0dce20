import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ApiError } from '@signet/platform';
import { selfSignedCertificate, startFakeKubelet, type FakeKubelet } from './fake-kubelet.test-helper.js';
import { createKubeletClient } from './kubelet-client.js';
import { POD_UID, podList, testPod } from './pod-list.test-helper.js';

const unavailable = (message: RegExp) => (err: unknown) => err instanceof ApiError && err.apiCode === 'unavailable' && message.test(err.message);

describe('the kubelet client', () => {
  let dir: string;
  const kubelets: FakeKubelet[] = [];
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'signet-kubelet-'));
  });
  after(async () => {
    await Promise.all(kubelets.map((k) => k.close()));
    await rm(dir, { recursive: true, force: true });
  });

  test('reads the pods of the read-only http port', async () => {
    const kubelet = await startFakeKubelet([{ body: podList(testPod()) }]);
    kubelets.push(kubelet);
    const { pods } = await createKubeletClient({ url: kubelet.url }).listPods();
    assert.deepEqual(pods.map((p) => p.uid), [POD_UID]);
    assert.equal(kubelet.requests[0]?.authorization, undefined);
  });

  test('uses the same list for callers that accept it, and asks again for one that wants a newer list', async () => {
    const kubelet = await startFakeKubelet([{ body: podList() }]);
    kubelets.push(kubelet);
    const client = createKubeletClient({ url: kubelet.url });
    const first = await client.listPods({ maxAgeMs: 60_000 });
    const again = await client.listPods({ maxAgeMs: 60_000 });
    assert.equal(again, first);
    const newer = await client.listPods({ newerThan: first });
    assert.ok(newer.sequence > first.sequence);
    assert.equal(kubelet.requests.length, 2);
  });

  test('does not keep a failed answer for later callers', async () => {
    const kubelet = await startFakeKubelet([{ status: 503, body: {} }, { body: podList(testPod()) }]);
    kubelets.push(kubelet);
    const client = createKubeletClient({ url: kubelet.url });
    await assert.rejects(client.listPods({ maxAgeMs: 60_000 }), unavailable(/HTTP 503/));
    assert.equal((await client.listPods({ maxAgeMs: 60_000 })).pods.length, 1);
  });

  test('says an answer that is not JSON makes the kubelet unavailable', async () => {
    const kubelet = await startFakeKubelet([{ raw: '<html>proxy error</html>' }]);
    kubelets.push(kubelet);
    await assert.rejects(createKubeletClient({ url: kubelet.url }).listPods(), unavailable(/not JSON/));
  });

  test('refuses to send a token over plain http', () => {
    assert.throws(() => createKubeletClient({ url: 'http://127.0.0.1:10255', tokenFile: '/var/run/secrets/token' }), /only over https/);
  });

  test('speaks https with the given CA and sends the bearer token from its file', async (t) => {
    const certificate = selfSignedCertificate(dir);
    if (certificate === undefined) {
      t.skip('the openssl CLI is not installed');
      return;
    }
    const kubelet = await startFakeKubelet([{ body: podList(testPod()) }], certificate);
    kubelets.push(kubelet);
    const tokenFile = join(dir, 'token');
    await writeFile(tokenFile, 'test-token-1\n');
    const client = createKubeletClient({ url: kubelet.url, caFile: certificate.certFile, tokenFile });
    assert.equal((await client.listPods()).pods.length, 1);
    assert.equal(kubelet.requests[0]?.authorization, 'Bearer test-token-1');
    await writeFile(tokenFile, 'test-token-2\n');
    await client.listPods();
    assert.equal(kubelet.requests[1]?.authorization, 'Bearer test-token-2', 'a rotated token is picked up');

    const untrusting = createKubeletClient({ url: kubelet.url, tokenFile });
    await assert.rejects(untrusting.listPods(), unavailable(/cannot be reached/));
    assert.equal(kubelet.requests.length, 2, 'no token is sent to a kubelet whose certificate is not trusted');
  });

  test('says a CA file that cannot be read makes the kubelet unavailable', async () => {
    await assert.rejects(
      createKubeletClient({ url: 'https://127.0.0.1:1', caFile: join(dir, 'missing.crt') }).listPods(),
      unavailable(/cannot read the kubelet CA file/),
    );
  });
});
