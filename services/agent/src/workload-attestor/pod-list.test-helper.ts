/**
 * Test helper: kubelet PodList JSON, shaped like the real `GET /pods` answer.
 * @module
 */

export const POD_UID = '2c48913c-b29f-11e7-9350-020968147796';
export const CONTAINER_ID = '9bca8d63d5fa610783847915bcff0ecac1273e5b4bed3f6fa1b07350e0135961';
export const INIT_CONTAINER_ID = 'f'.repeat(64);

/** What a test pod may change. */
export interface TestPod {
  readonly uid?: string;
  readonly name?: string;
  readonly containerId?: string;
  /** Leave the container statuses out (the pod was just scheduled). */
  readonly noStatuses?: boolean;
}

/** A pod of a Deployment, with one init container and two containers (`app` is the one with `containerId`). */
export function testPod(options: TestPod = {}): Record<string, unknown> {
  const status = {
    phase: 'Running',
    initContainerStatuses: [
      {
        name: 'migrate',
        image: 'registry.example/migrate:1',
        imageID: 'registry.example/migrate@sha256:' + '1'.repeat(64),
        containerID: `containerd://${INIT_CONTAINER_ID}`,
      },
    ],
    containerStatuses: [
      {
        name: 'app',
        image: 'registry.example/app:2.1',
        imageID: 'registry.example/app@sha256:' + '2'.repeat(64),
        containerID: `containerd://${options.containerId ?? CONTAINER_ID}`,
      },
      { name: 'sidecar', image: 'envoyproxy/envoy:v1.31', imageID: 'envoyproxy/envoy@sha256:' + '3'.repeat(64), containerID: `containerd://${'e'.repeat(64)}` },
    ],
  };
  return {
    metadata: {
      name: options.name ?? 'app-7d9f8b6c5-x2x9k',
      namespace: 'payments',
      uid: options.uid ?? POD_UID,
      labels: { app: 'payments', 'pod-template-hash': '7d9f8b6c5' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'app-7d9f8b6c5', uid: 'rs-uid-1', controller: true }],
    },
    spec: {
      nodeName: 'node-a',
      serviceAccountName: 'payments-sa',
      initContainers: [{ name: 'migrate', image: 'registry.example/migrate:1' }],
      containers: [
        { name: 'app', image: 'registry.example/app:2.1' },
        { name: 'sidecar', image: 'envoyproxy/envoy:v1.31' },
      ],
    },
    status: options.noStatuses === true ? { phase: 'Pending' } : status,
  };
}

/** A PodList of `pods`. */
export function podList(...pods: Record<string, unknown>[]): Record<string, unknown> {
  return { kind: 'PodList', apiVersion: 'v1', metadata: {}, items: pods };
}
