/**
 * The `k8s` workload attestor, like SPIRE's: finds the process's pod and container from its
 * cgroups, then describes them from the kubelet's pod list.
 * @module
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleepFor } from 'node:timers/promises';
import { ApiError } from '@signet/platform';
import type { Selector } from '../domain/selectors.js';
import type { WorkloadPeer } from '../peer/types.js';
import { parseCgroupPodContainer, type PodContainerRef } from './k8s-cgroup.js';
import type { KubeletClient, PodListSnapshot } from './kubelet-client.js';
import { findPodContainer, podContainerSelectorValues, type PodContainerLookup } from './kubelet-pods.js';
import { isProcessGoneError, processGone } from './process-gone.js';
import type { WorkloadAttestor } from './types.js';

/** Options of {@link createK8sAttestor}. */
export interface K8sAttestorOptions {
  /** The kubelet's pods API (see `createKubeletClient`). */
  readonly kubelet: KubeletClient;
  /** Where procfs is mounted (default `/proc`). */
  readonly procRoot?: string;
  /** How many pod lists to look in before giving up on a pod or container not listed yet (default 4). */
  readonly attempts?: number;
  /** Wait between those looks, in milliseconds (default 250). */
  readonly retryDelayMs?: number;
  /** How old a pod list may be for the first look, in milliseconds (default 1000). */
  readonly podListMaxAgeMs?: number;
  /** Waits `ms` milliseconds, or rejects when `signal` aborts (default: a timer). */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

const TYPE = 'k8s';

/**
 * Creates the `k8s` attestor. A process that is not in a pod's container gets no selectors. For
 * one that is, its pod (by UID) and container (by runtime id) are looked up in the kubelet's pod
 * list, looking again a few times when they are not listed yet (just started); see
 * `podContainerSelectorValues` for the selectors. Throws `ApiError('permission_denied')` naming the
 * pod when it is still not listed, or when the process has exited; `ApiError('unavailable')` when
 * the kubelet cannot be reached.
 */
export function createK8sAttestor(options: K8sAttestorOptions): WorkloadAttestor {
  const procRoot = options.procRoot ?? '/proc';
  const attempts = Math.max(1, options.attempts ?? 4);
  const retryDelayMs = options.retryDelayMs ?? 250;
  const maxAgeMs = options.podListMaxAgeMs ?? 1_000;
  const sleep = options.sleep ?? ((ms: number, signal?: AbortSignal) => sleepFor(ms, undefined, signal === undefined ? {} : { signal }));

  return {
    type: TYPE,
    async attest(peer: WorkloadPeer, signal?: AbortSignal): Promise<Selector[]> {
      const { pid } = peer.credentials;
      if (!Number.isInteger(pid) || pid <= 0) {
        throw new ApiError('permission_denied', 'the kernel did not report the pid of the calling process (is it in another pid namespace?)');
      }
      let cgroups: string;
      try {
        cgroups = await readFile(join(procRoot, String(pid), 'cgroup'), 'utf8');
      } catch (err) {
        if (isProcessGoneError(err)) throw processGone(err);
        throw err;
      }
      const ref = parseCgroupPodContainer(cgroups);
      if (ref === undefined) return [];

      let snapshot: PodListSnapshot | undefined;
      for (let attempt = 1; ; attempt++) {
        snapshot = await options.kubelet.listPods(snapshot === undefined ? { maxAgeMs, signal } : { newerThan: snapshot, signal });
        const found = findPodContainer(snapshot.pods, ref.podUid, ref.containerId);
        if (found.kind === 'found') return podContainerSelectorValues(found.pod, found.container).map((value) => ({ type: TYPE, value }));
        if (attempt >= attempts) throw notListed(ref, found, attempts);
        await sleep(retryDelayMs, signal);
      }
    },
  };
}

function notListed(ref: PodContainerRef, lookup: Exclude<PodContainerLookup, { kind: 'found' }>, attempts: number): ApiError {
  const looked = `after ${attempts} look${attempts === 1 ? '' : 's'}`;
  if (lookup.kind === 'no_pod') return new ApiError('permission_denied', `pod ${ref.podUid} is not among the kubelet's pods ${looked}`);
  const { pod } = lookup;
  return new ApiError(
    'permission_denied',
    `container ${ref.containerId} is not among the containers of pod ${pod.namespace}/${pod.name} (${ref.podUid}) ${looked}`,
  );
}
