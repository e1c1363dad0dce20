import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { containerIdOf, findPodContainer, podContainerSelectorValues, readPodList } from './kubelet-pods.js';
import { CONTAINER_ID, INIT_CONTAINER_ID, POD_UID, podList, testPod } from './pod-list.test-helper.js';

describe('containerIdOf', () => {
  const cases: [string, string][] = [
    [`containerd://${CONTAINER_ID}`, CONTAINER_ID],
    [`cri-o://${CONTAINER_ID}`, CONTAINER_ID],
    [`docker://${CONTAINER_ID}`, CONTAINER_ID],
    [CONTAINER_ID, CONTAINER_ID],
    ['', ''],
  ];
  for (const [input, expected] of cases) {
    test(`reads "${input.slice(0, 20)}…" as the bare id`, () => assert.equal(containerIdOf(input), expected));
  }
});

describe('readPodList', () => {
  test('refuses an answer that is not a pod list', () => {
    assert.throws(() => readPodList({ kind: 'Status', message: 'Unauthorized' }), /not a pod list/);
    assert.throws(() => readPodList(null), /not a pod list/);
  });

  test('reads fields of the wrong type as empty and skips pods without a UID', () => {
    const pods = readPodList({ items: [{ metadata: { uid: 'u1', name: 7, labels: { a: 'b', n: 1 } } }, { metadata: {} }, 'junk'] });
    assert.equal(pods.length, 1);
    assert.equal(pods[0]?.name, '');
    assert.deepEqual([...(pods[0]?.labels ?? [])], [['a', 'b']]);
    assert.deepEqual(pods[0]?.containerStatuses, []);
  });
});

describe('findPodContainer', () => {
  const pods = readPodList(podList(testPod({ uid: 'other-pod', containerId: 'b'.repeat(64) }), testPod()));

  test('finds a container of the pod by its runtime id', () => {
    const found = findPodContainer(pods, POD_UID, CONTAINER_ID);
    assert.equal(found.kind, 'found');
    assert.equal(found.kind === 'found' && found.container.name, 'app');
  });

  test('finds an init container too', () => {
    const found = findPodContainer(pods, POD_UID, INIT_CONTAINER_ID);
    assert.equal(found.kind === 'found' && found.container.name, 'migrate');
  });

  test('does not take a container of another pod', () => {
    assert.equal(findPodContainer(pods, POD_UID, 'b'.repeat(64)).kind, 'no_container');
  });

  test('says when the pod is not listed', () => {
    assert.equal(findPodContainer(pods, 'missing', CONTAINER_ID).kind, 'no_pod');
  });
});

describe('podContainerSelectorValues', () => {
  const pods = readPodList(podList(testPod()));

  test('describes the pod and the container of the caller', () => {
    const found = findPodContainer(pods, POD_UID, CONTAINER_ID);
    assert.ok(found.kind === 'found');
    assert.deepEqual(podContainerSelectorValues(found.pod, found.container), [
      'ns:payments',
      'sa:payments-sa',
      `pod-uid:${POD_UID}`,
      'pod-name:app-7d9f8b6c5-x2x9k',
      'node-name:node-a',
      'container-name:app',
      'container-image:registry.example/app:2.1',
      `container-image:registry.example/app@sha256:${'2'.repeat(64)}`,
      'pod-label:app:payments',
      'pod-label:pod-template-hash:7d9f8b6c5',
      'pod-owner:ReplicaSet:app-7d9f8b6c5',
      'pod-owner-uid:ReplicaSet:rs-uid-1',
      'pod-image:registry.example/app:2.1',
      'pod-image:envoyproxy/envoy:v1.31',
      `pod-image:registry.example/app@sha256:${'2'.repeat(64)}`,
      `pod-image:envoyproxy/envoy@sha256:${'3'.repeat(64)}`,
      'pod-init-image:registry.example/migrate:1',
      `pod-init-image:registry.example/migrate@sha256:${'1'.repeat(64)}`,
    ]);
  });

  test('gives no selector for empty fields, and one container-image when the image id equals the image', () => {
    const [pod] = readPodList({ items: [{ metadata: { uid: 'u', namespace: 'ns1' }, status: { containerStatuses: [{ name: 'c', image: 'i', imageID: 'i', containerID: 'x://1' }] } }] });
    assert.ok(pod !== undefined);
    const container = pod.containerStatuses[0];
    assert.ok(container !== undefined);
    assert.deepEqual(podContainerSelectorValues(pod, container), ['ns:ns1', 'pod-uid:u', 'container-name:c', 'container-image:i', 'pod-image:i']);
  });
});
