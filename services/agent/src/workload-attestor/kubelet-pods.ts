/**
 * The part of the kubelet's pod list the `k8s` attestor uses, read defensively from its JSON, and
 * the selectors of a pod's container.
 * @module
 */

/** A container's status, as the kubelet reports it. */
export interface ContainerStatusInfo {
  readonly name: string;
  readonly image: string;
  readonly imageID: string;
  /** `<runtime>://<id>`, or empty while the container has not been created. */
  readonly containerID: string;
}

/** An owner reference of a pod (its ReplicaSet, DaemonSet, StatefulSet, Job, …). */
export interface OwnerInfo {
  readonly kind: string;
  readonly name: string;
  readonly uid: string;
}

/** What the attestor needs of one pod. */
export interface PodInfo {
  readonly uid: string;
  readonly name: string;
  readonly namespace: string;
  readonly labels: ReadonlyMap<string, string>;
  readonly owners: readonly OwnerInfo[];
  readonly nodeName: string;
  readonly serviceAccountName: string;
  /** Images of `spec.containers`. */
  readonly containerImages: readonly string[];
  /** Images of `spec.initContainers`. */
  readonly initContainerImages: readonly string[];
  readonly containerStatuses: readonly ContainerStatusInfo[];
  readonly initContainerStatuses: readonly ContainerStatusInfo[];
  readonly ephemeralContainerStatuses: readonly ContainerStatusInfo[];
}

type Json = Record<string, unknown>;

const object = (value: unknown): Json => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {});
const array = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const string = (value: unknown): string => (typeof value === 'string' ? value : '');

/**
 * The pods of a kubelet `PodList` (`GET /pods`). Throws when `json` is not a pod list; fields of
 * the wrong type read as empty, and pods without a UID are skipped.
 */
export function readPodList(json: unknown): PodInfo[] {
  const list = object(json);
  if (!Array.isArray(list['items'])) throw new Error('the kubelet answered with something that is not a pod list (no items)');
  const pods: PodInfo[] = [];
  for (const item of list['items']) {
    const pod = readPod(object(item));
    if (pod.uid !== '') pods.push(pod);
  }
  return pods;
}

function readPod(item: Json): PodInfo {
  const metadata = object(item['metadata']);
  const spec = object(item['spec']);
  const status = object(item['status']);
  const labels = new Map<string, string>();
  for (const [key, value] of Object.entries(object(metadata['labels']))) if (typeof value === 'string') labels.set(key, value);
  return {
    uid: string(metadata['uid']),
    name: string(metadata['name']),
    namespace: string(metadata['namespace']),
    labels,
    owners: array(metadata['ownerReferences']).map((o) => {
      const owner = object(o);
      return { kind: string(owner['kind']), name: string(owner['name']), uid: string(owner['uid']) };
    }),
    nodeName: string(spec['nodeName']),
    serviceAccountName: string(spec['serviceAccountName']),
    containerImages: array(spec['containers']).map((c) => string(object(c)['image'])),
    initContainerImages: array(spec['initContainers']).map((c) => string(object(c)['image'])),
    containerStatuses: readStatuses(status['containerStatuses']),
    initContainerStatuses: readStatuses(status['initContainerStatuses']),
    ephemeralContainerStatuses: readStatuses(status['ephemeralContainerStatuses']),
  };
}

function readStatuses(value: unknown): ContainerStatusInfo[] {
  return array(value).map((s) => {
    const status = object(s);
    return { name: string(status['name']), image: string(status['image']), imageID: string(status['imageID']), containerID: string(status['containerID']) };
  });
}

/** The runtime's id in a status's `containerID` (`containerd://<id>`, `cri-o://<id>`, `docker://<id>`). */
export function containerIdOf(containerID: string): string {
  const scheme = containerID.indexOf('://');
  return scheme < 0 ? containerID : containerID.slice(scheme + 3);
}

/** What {@link findPodContainer} found. */
export type PodContainerLookup =
  | { readonly kind: 'found'; readonly pod: PodInfo; readonly container: ContainerStatusInfo }
  | { readonly kind: 'no_pod' }
  | { readonly kind: 'no_container'; readonly pod: PodInfo };

/** The pod with UID `podUid` among `pods` and its container (regular, init or ephemeral) whose id is `containerId`. */
export function findPodContainer(pods: readonly PodInfo[], podUid: string, containerId: string): PodContainerLookup {
  const pod = pods.find((p) => p.uid === podUid);
  if (pod === undefined) return { kind: 'no_pod' };
  const statuses = [...pod.containerStatuses, ...pod.initContainerStatuses, ...pod.ephemeralContainerStatuses];
  const container = statuses.find((s) => s.containerID !== '' && containerIdOf(s.containerID) === containerId);
  return container === undefined ? { kind: 'no_container', pod } : { kind: 'found', pod, container };
}

/**
 * The `k8s` selector values of `container` in `pod`: `ns`, `sa`, `pod-uid`, `pod-name`,
 * `node-name`, `container-name`, `container-image` (image, and image ID when different), one
 * `pod-label:<k>:<v>` per label, `pod-owner:<Kind>:<name>` and `pod-owner-uid:<Kind>:<uid>` per
 * owner, and `pod-image` / `pod-init-image` for every image of the pod's (init) containers, from
 * their spec and their status. Empty fields give no selector; duplicates are removed.
 */
export function podContainerSelectorValues(pod: PodInfo, container: ContainerStatusInfo): string[] {
  const values: string[] = [];
  const add = (name: string, value: string): void => {
    if (value !== '') values.push(`${name}:${value}`);
  };
  add('ns', pod.namespace);
  add('sa', pod.serviceAccountName);
  add('pod-uid', pod.uid);
  add('pod-name', pod.name);
  add('node-name', pod.nodeName);
  add('container-name', container.name);
  add('container-image', container.image);
  if (container.imageID !== container.image) add('container-image', container.imageID);
  for (const [key, value] of pod.labels) values.push(`pod-label:${key}:${value}`);
  for (const owner of pod.owners) {
    if (owner.kind === '') continue;
    add('pod-owner', owner.name === '' ? '' : `${owner.kind}:${owner.name}`);
    add('pod-owner-uid', owner.uid === '' ? '' : `${owner.kind}:${owner.uid}`);
  }
  const images = (spec: readonly string[], statuses: readonly ContainerStatusInfo[]): string[] => [
    ...spec,
    ...statuses.flatMap((s) => [s.image, s.imageID]),
  ];
  for (const image of images(pod.containerImages, pod.containerStatuses)) add('pod-image', image);
  for (const image of images(pod.initContainerImages, pod.initContainerStatuses)) add('pod-init-image', image);
  return [...new Set(values)];
}
