/**
 * The Kubernetes pod and container of a process, from its `/proc/<pid>/cgroup` file.
 * @module
 */

/** The pod and container a process runs in. */
export interface PodContainerRef {
  /** The pod's UID, with dashes (`2c48913c-b29f-11e7-9350-020968147796`, or 32 hex digits for a static pod). */
  readonly podUid: string;
  /** The container runtime's id of the container (64 hex digits). */
  readonly containerId: string;
}

/** A pod UID: a UUID (dashes, or underscores in systemd slice names) or, for a static pod, 32 hex digits. */
const UID = '([0-9a-f]{8}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{12}|[0-9a-f]{32})';
/** The pod's cgroup: `pod<uid>` (cgroupfs driver) or `…kubepods[-<qos>]-pod<uid>.slice` (systemd driver). */
const POD_SEGMENT = new RegExp(`^(?:pod${UID}|(?:[a-z0-9]+-)*kubepods(?:-[a-z]+)?-pod${UID}\\.slice)$`);
/** The container's cgroup: the bare id (cgroupfs) or `<runtime>-<id>.scope` (systemd). conmon's scope is not a container. */
const CONTAINER_SEGMENT = /^(?:(?:docker|cri-containerd|crio|containerd|libpod)-)?([0-9a-f]{64})(?:\.scope)?$/;

/**
 * The pod and container in the text of a `/proc/<pid>/cgroup` file (cgroup v1, one line per
 * hierarchy, or v2, the single `0::` line), or `undefined` when the process is not in a pod's
 * container. Understands the cgroupfs layout (`/kubepods/<qos>/pod<uid>/<id>`) and the systemd one
 * (`/kubepods.slice/kubepods-<qos>.slice/kubepods-<qos>-pod<uid_with_underscores>.slice/cri-containerd-<id>.scope`,
 * also with `docker-` and `crio-` scopes), including nested under other cgroups (kind).
 */
export function parseCgroupPodContainer(text: string): PodContainerRef | undefined {
  for (const line of text.split('\n')) {
    // hierarchy-id:controllers:path — the path may itself contain colons.
    const first = line.indexOf(':');
    const second = first < 0 ? -1 : line.indexOf(':', first + 1);
    if (second < 0) continue;
    const found = podContainerOfPath(line.slice(second + 1).trim());
    if (found !== undefined) return found;
  }
  return undefined;
}

function podContainerOfPath(path: string): PodContainerRef | undefined {
  const segments = path.split('/');
  for (let i = 0; i + 1 < segments.length; i++) {
    const pod = POD_SEGMENT.exec(segments[i] ?? '');
    if (pod === null) continue;
    const container = CONTAINER_SEGMENT.exec(segments[i + 1] ?? '');
    const uid = pod[1] ?? pod[2];
    if (container === null || container[1] === undefined || uid === undefined) continue;
    return { podUid: uid.replaceAll('_', '-'), containerId: container[1] };
  }
  return undefined;
}
