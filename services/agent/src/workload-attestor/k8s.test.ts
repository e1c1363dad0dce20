import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ApiError } from '@signet/platform';
import type { WorkloadPeer } from '../peer/types.js';
import { startFakeKubelet, type FakeKubelet, type KubeletAnswer } from './fake-kubelet.test-helper.js';
import { createK8sAttestor, type K8sAttestorOptions } from './k8s.js';
import { createKubeletClient } from './kubelet-client.js';
import { CONTAINER_ID, POD_UID, podList, testPod } from './pod-list.test-helper.js';

const IN_POD = 100;
const NOT_IN_POD = 200;

const peer = (pid: number): WorkloadPeer => ({ credentials: { pid, uid: 0, gid: 0 }, isSameProcess: () => true });
const isApiError = (code: string, message?: RegExp) => (err: unknown) =>
  err instanceof ApiError && err.apiCode === code && (message === undefined || message.test(err.message));

describe('the k8s attestor', () => {
  let dir: string;
  let proc: string;
  const kubelets: FakeKubelet[] = [];
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'signet-k8s-'));
    proc = join(dir, 'proc');
    await mkdir(join(proc, String(IN_POD)), { recursive: true });
    await writeFile(
      join(proc, String(IN_POD), 'cgroup'),
      `0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${POD_UID.replaceAll('-', '_')}.slice/cri-containerd-${CONTAINER_ID}.scope\n`,
    );
    await mkdir(join(proc, String(NOT_IN_POD)));
    await writeFile(join(proc, String(NOT_IN_POD), 'cgroup'), '0::/user.slice/user-1000.slice/session-1.scope\n');
  });
  after(async () => {
    await Promise.all(kubelets.map((k) => k.close()));
    await rm(dir, { recursive: true, force: true });
  });

  async function setup(answers: KubeletAnswer[], options: Partial<K8sAttestorOptions> = {}) {
    const kubelet = await startFakeKubelet(answers);
    kubelets.push(kubelet);
    const sleeps: number[] = [];
    const attestor = createK8sAttestor({
      kubelet: createKubeletClient({ url: kubelet.url }),
      procRoot: proc,
      attempts: 3,
      retryDelayMs: 50,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      ...options,
    });
    return { kubelet, attestor, sleeps };
  }

  test("describes the caller's pod and container", async () => {
    const { attestor } = await setup([{ body: podList(testPod({ uid: 'another-pod', containerId: 'a'.repeat(64) }), testPod()) }]);
    const selectors = await attestor.attest(peer(IN_POD));
    assert.ok(selectors.every((s) => s.type === 'k8s'));
    const values = selectors.map((s) => s.value);
    for (const expected of [
      'ns:payments',
      'sa:payments-sa',
      `pod-uid:${POD_UID}`,
      'pod-name:app-7d9f8b6c5-x2x9k',
      'node-name:node-a',
      'container-name:app',
      'container-image:registry.example/app:2.1',
      'pod-label:app:payments',
      'pod-owner:ReplicaSet:app-7d9f8b6c5',
      'pod-owner-uid:ReplicaSet:rs-uid-1',
      'pod-image:envoyproxy/envoy:v1.31',
      'pod-init-image:registry.example/migrate:1',
    ]) {
      assert.ok(values.includes(expected), `missing ${expected}`);
    }
    assert.ok(!values.includes('pod-uid:another-pod'));
  });

  test('gives no selectors to a process that is not in a pod, without asking the kubelet', async () => {
    const { kubelet, attestor } = await setup([{ body: podList(testPod()) }]);
    assert.deepEqual(await attestor.attest(peer(NOT_IN_POD)), []);
    assert.equal(kubelet.requests.length, 0);
  });

  test('looks again when the pod is not listed yet, and finds it once it is', async () => {
    const { kubelet, attestor, sleeps } = await setup([{ body: podList() }, { body: podList() }, { body: podList(testPod()) }]);
    const selectors = await attestor.attest(peer(IN_POD));
    assert.ok(selectors.some((s) => s.value === `pod-uid:${POD_UID}`));
    assert.equal(kubelet.requests.length, 3, 'each look asks the kubelet again');
    assert.deepEqual(sleeps, [50, 50]);
  });

  test('refuses the caller, naming the pod, when the pod is still not listed after the last look', async () => {
    const { kubelet, attestor } = await setup([{ body: podList(testPod({ uid: 'someone-else' })) }]);
    await assert.rejects(attestor.attest(peer(IN_POD)), isApiError('permission_denied', new RegExp(`pod ${POD_UID} is not among the kubelet's pods after 3 looks`)));
    assert.equal(kubelet.requests.length, 3);
  });

  test('refuses the caller when its container is not listed in its pod (not started yet)', async () => {
    const { attestor } = await setup([{ body: podList(testPod({ noStatuses: true })) }]);
    await assert.rejects(
      attestor.attest(peer(IN_POD)),
      isApiError('permission_denied', new RegExp(`container ${CONTAINER_ID} is not among the containers of pod payments/app-7d9f8b6c5-x2x9k`)),
    );
  });

  test('says the kubelet is unavailable when it answers with an error status', async () => {
    const { attestor } = await setup([{ status: 401, body: { kind: 'Status', message: 'Unauthorized' } }]);
    await assert.rejects(attestor.attest(peer(IN_POD)), isApiError('unavailable', /answered HTTP 401/));
  });

  test('says the kubelet is unavailable when it cannot be reached', async () => {
    const kubelet = await startFakeKubelet([{ body: podList() }]);
    await kubelet.close();
    const attestor = createK8sAttestor({ kubelet: createKubeletClient({ url: kubelet.url }), procRoot: proc });
    await assert.rejects(attestor.attest(peer(IN_POD)), isApiError('unavailable', /cannot be reached/));
  });

  test('refuses a process that has exited', async () => {
    const { attestor } = await setup([{ body: podList(testPod()) }]);
    await assert.rejects(attestor.attest(peer(999)), isApiError('permission_denied', /exited before it could be attested/));
  });

  test('shares one pod list between attestations close together', async () => {
    const { kubelet, attestor } = await setup([{ body: podList(testPod()) }]);
    await Promise.all([attestor.attest(peer(IN_POD)), attestor.attest(peer(IN_POD)), attestor.attest(peer(IN_POD))]);
    await attestor.attest(peer(IN_POD));
    assert.equal(kubelet.requests.length, 1);
  });

  test('asks the kubelet again once the shared list is older than allowed', async () => {
    const { kubelet, attestor } = await setup([{ body: podList(testPod()) }], { podListMaxAgeMs: 0 });
    await attestor.attest(peer(IN_POD));
    await new Promise((resolve) => setTimeout(resolve, 5));
    await attestor.attest(peer(IN_POD));
    assert.equal(kubelet.requests.length, 2);
  });

  test('stops looking when the call is cancelled', async () => {
    const controller = new AbortController();
    const { kubelet, attestor } = await setup([{ body: podList() }], {
      sleep: async () => {
        controller.abort(new Error('cancelled by the caller'));
        throw controller.signal.reason;
      },
    });
    await assert.rejects(attestor.attest(peer(IN_POD), controller.signal), /cancelled by the caller/);
    assert.equal(kubelet.requests.length, 1);
  });
});
