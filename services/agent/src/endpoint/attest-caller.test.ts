import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Metadata } from '@grpc/grpc-js';
import { ApiError, captureLogs, createLogger, type ServerSurfaceCall } from '@signet/platform';
import type { Selector } from '../domain/selectors.js';
import type { WorkloadPeer } from '../peer/types.js';
import type { WorkloadAttestor } from '../workload-attestor/types.js';
import type { AttestationMetrics, AttestationOutcome } from './attestation-metrics.js';
import { createCallerAttestation } from './attest-caller.js';

function callFrom(peerName: string): ServerSurfaceCall {
  return {
    cancelled: false,
    metadata: new Metadata(),
    getPeer: () => peerName,
    getDeadline: () => Infinity,
    on: () => undefined,
    off: () => undefined,
  };
}

function attestor(type: string, result: Selector[] | Error, delayMs = 0): WorkloadAttestor {
  return {
    type,
    attest: async () => {
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      if (result instanceof Error) throw result;
      return result;
    },
  };
}

function setup(attestors: WorkloadAttestor[], peers: Record<string, WorkloadPeer>) {
  const recorded: { outcome: AttestationOutcome; seconds: number }[] = [];
  const metrics: AttestationMetrics = { record: (outcome, seconds) => recorded.push({ outcome, seconds }) };
  const logs = captureLogs();
  const attestation = createCallerAttestation({
    peerOf: (name) => peers[name],
    attestors,
    metrics,
    logger: createLogger({ level: 'debug', service: 'test', destination: logs.stream }),
  });
  return { attestation, recorded, logs };
}

const livePeer: WorkloadPeer = { credentials: { pid: 10, uid: 1000, gid: 1000 }, isSameProcess: () => true };

describe('attestCaller', () => {
  test("gives every attestor's selectors, in attestor order, even when a later one finishes first", async () => {
    const { attestation, recorded } = setup(
      [attestor('unix', [{ type: 'unix', value: 'uid:1000' }], 20), attestor('k8s', [{ type: 'k8s', value: 'ns:default' }])],
      { 'uds-1': livePeer },
    );
    const caller = await attestation.attestCaller(callFrom('uds-1'));
    assert.equal(caller.peer, livePeer);
    assert.deepEqual(caller.selectors, [
      { type: 'unix', value: 'uid:1000' },
      { type: 'k8s', value: 'ns:default' },
    ]);
    assert.equal(recorded.length, 1);
    assert.equal(recorded[0]?.outcome, 'ok');
    assert.ok((recorded[0]?.seconds ?? 0) >= 0.015, 'the duration is in seconds and covers the slowest attestor');
  });

  test('refuses a call whose connection is not known', async () => {
    const { attestation, recorded } = setup([attestor('unix', [])], {});
    await assert.rejects(attestation.attestCaller(callFrom('unknown')), (err: unknown) => err instanceof ApiError && err.apiCode === 'permission_denied');
    assert.deepEqual(recorded.map((r) => r.outcome), ['denied']);
  });

  test('refuses the caller when its process is gone by the time the attestors are done (pid reuse)', async () => {
    let alive = true;
    const peer: WorkloadPeer = { credentials: { pid: 10, uid: 0, gid: 0 }, isSameProcess: () => alive };
    const slow: WorkloadAttestor = {
      type: 'unix',
      attest: async () => {
        alive = false; // the process exits while it is being attested
        return [{ type: 'unix', value: 'uid:0' }];
      },
    };
    const { attestation, recorded } = setup([slow], { 'uds-1': peer });
    await assert.rejects(
      attestation.attestCaller(callFrom('uds-1')),
      (err: unknown) => err instanceof ApiError && err.apiCode === 'permission_denied' && /pid may have been reused/.test(err.message),
    );
    assert.deepEqual(recorded.map((r) => r.outcome), ['denied']);
  });

  test('prefers a refusal over an outage when several attestors fail', async () => {
    const { attestation, recorded } = setup(
      [attestor('k8s', new ApiError('unavailable', 'kubelet down')), attestor('unix', new ApiError('permission_denied', 'gone'))],
      { 'uds-1': livePeer },
    );
    await assert.rejects(attestation.attestCaller(callFrom('uds-1')), (err: unknown) => err instanceof ApiError && err.apiCode === 'permission_denied');
    assert.deepEqual(recorded.map((r) => r.outcome), ['denied']);
  });

  test('reports an attestor outage as an error outcome', async () => {
    const { attestation, recorded } = setup([attestor('k8s', new ApiError('unavailable', 'kubelet down'))], { 'uds-1': livePeer });
    await assert.rejects(attestation.attestCaller(callFrom('uds-1')), (err: unknown) => err instanceof ApiError && err.apiCode === 'unavailable');
    assert.deepEqual(recorded.map((r) => r.outcome), ['error']);
  });

  test('turns an unexpected attestor failure into unavailable, naming the attestor', async () => {
    const { attestation } = setup([attestor('k8s', new TypeError('boom'))], { 'uds-1': livePeer });
    await assert.rejects(
      attestation.attestCaller(callFrom('uds-1')),
      (err: unknown) => err instanceof ApiError && err.apiCode === 'unavailable' && /the k8s workload attestor failed: boom/.test(err.message),
    );
  });

  test('logs each attestation at debug level with its outcome', async () => {
    const { attestation, logs } = setup([attestor('unix', [{ type: 'unix', value: 'uid:1000' }])], { 'uds-7': livePeer });
    await attestation.attestCaller(callFrom('uds-7'));
    const line = logs.records().find((l) => l['msg'] === 'workload endpoint: caller attested');
    assert.equal(line?.['level'], 'debug');
    assert.equal(line?.['outcome'], 'ok');
    assert.equal(line?.['connection'], 'uds-7');
    assert.equal(line?.['peer_pid'], 10);
  });
});
