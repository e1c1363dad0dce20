/**
 * The kubelet's pods API (`GET <kubelet>/pods`): over https with the kubelet's CA and a bearer
 * token (port 10250), or over http on the read-only port (10255). Lists are shared: callers that
 * accept a list fetched recently, or one already on its way, do not cause another request.
 * @module
 */
import { readFile } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { ApiError, BodyTooLargeError, readBoundedBody, untilAborted } from '@signet/platform';
import { readPodList, type PodInfo } from './kubelet-pods.js';

/** Options of {@link createKubeletClient}. */
export interface KubeletClientOptions {
  /** The kubelet's base URL, e.g. `https://127.0.0.1:10250` or `http://127.0.0.1:10255`; pods are at `<url>/pods`. */
  readonly url: string;
  /** PEM file of the CA that signed the kubelet's serving certificate (https; default: the system CAs). */
  readonly caFile?: string;
  /** File with the bearer token to send (https only; re-read on every request, so rotation is picked up). */
  readonly tokenFile?: string;
  /** Accept any kubelet certificate (https). For test clusters only. */
  readonly insecureSkipVerify?: boolean;
  /** Longest request, in milliseconds (default 5 s). */
  readonly timeoutMs?: number;
  /** Largest pod list accepted, in bytes (default 64 MiB). */
  readonly maxResponseBytes?: number;
  /** Milliseconds on a monotonic clock (default `performance.now`). */
  readonly now?: () => number;
}

/** One fetched pod list. */
export interface PodListSnapshot {
  /** Increases with every request started; a higher one was requested later. */
  readonly sequence: number;
  readonly pods: readonly PodInfo[];
}

/** Which pod list a caller accepts. */
export interface ListPodsOptions {
  /** Accept a list whose request started at most this many milliseconds ago (default 0). */
  readonly maxAgeMs?: number;
  /** Accept only a list requested after this one (to look again for something it lacked). */
  readonly newerThan?: PodListSnapshot;
  readonly signal?: AbortSignal;
}

/** Reads the kubelet's pods. */
export interface KubeletClient {
  /**
   * A pod list as fresh as `options` asks. Throws `ApiError('unavailable')` when the kubelet
   * cannot be reached or does not answer with a pod list.
   */
  listPods(options?: ListPodsOptions): Promise<PodListSnapshot>;
}

interface Pending {
  readonly sequence: number;
  readonly startedAt: number;
  readonly list: Promise<PodListSnapshot>;
}

/** Creates a {@link KubeletClient}. Throws when the options are inconsistent (a token over plain http). */
export function createKubeletClient(options: KubeletClientOptions): KubeletClient {
  const base = new URL(options.url.endsWith('/') ? options.url : `${options.url}/`);
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new Error(`kubelet url ${options.url}: must be http or https`);
  if (base.protocol === 'http:' && options.tokenFile !== undefined) {
    throw new Error(`kubelet url ${options.url}: a token is sent only over https (the read-only http port needs none)`);
  }
  const podsUrl = new URL('pods', base);
  const now = options.now ?? (() => performance.now());
  let sequence = 0;
  let latest: Pending | undefined;

  const start = (): Pending => {
    const pending: Pending = {
      sequence: ++sequence,
      startedAt: now(),
      list: fetchPods(podsUrl, options).then((pods) => ({ sequence: pending.sequence, pods })),
    };
    latest = pending;
    pending.list.catch(() => {
      if (latest === pending) latest = undefined;
    });
    return pending;
  };

  return {
    listPods({ maxAgeMs = 0, newerThan, signal } = {}) {
      const usable =
        latest !== undefined &&
        (newerThan === undefined ? now() - latest.startedAt <= maxAgeMs : latest.sequence > newerThan.sequence);
      const pending = usable && latest !== undefined ? latest : start();
      return untilAborted(pending.list, signal);
    },
  };
}

async function fetchPods(url: URL, options: KubeletClientOptions): Promise<PodInfo[]> {
  const shown = url.toString();
  const headers: Record<string, string> = { accept: 'application/json' };
  const requestOptions: RequestOptions & { ca?: string; rejectUnauthorized?: boolean } = {
    method: 'GET',
    headers,
    timeout: options.timeoutMs ?? 5_000,
  };
  if (url.protocol === 'https:') {
    if (options.caFile !== undefined) requestOptions.ca = await readConfigFile(options.caFile, 'CA');
    if (options.insecureSkipVerify === true) requestOptions.rejectUnauthorized = false;
    if (options.tokenFile !== undefined) headers['authorization'] = `Bearer ${(await readConfigFile(options.tokenFile, 'token')).trim()}`;
  }
  const body = await get(url, requestOptions, options.maxResponseBytes ?? 64 * 1024 * 1024);
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (err) {
    throw new ApiError('unavailable', `the kubelet at ${shown} answered with a pod list that is not JSON`, { cause: err });
  }
  try {
    return readPodList(json);
  } catch (err) {
    throw new ApiError('unavailable', `the kubelet at ${shown}: ${(err as Error).message}`, { cause: err });
  }
}

async function readConfigFile(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new ApiError('unavailable', `cannot read the kubelet ${what} file ${path}: ${(err as Error).message}`, { cause: err });
  }
}

function get(url: URL, options: RequestOptions, maxBytes: number): Promise<string> {
  const shown = url.toString();
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, options, (res: IncomingMessage) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new ApiError('unavailable', `the kubelet at ${shown} answered HTTP ${res.statusCode ?? '?'}`));
        return;
      }
      readBoundedBody(res, maxBytes).then(
        (body) => resolve(body.toString('utf8')),
        (err: unknown) => {
          req.destroy();
          if (err instanceof BodyTooLargeError) reject(new ApiError('unavailable', `the kubelet at ${shown} answered with more than ${maxBytes} bytes`));
          else reject(unreachable(shown, err as Error));
        },
      );
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${options.timeout ?? 0} ms`)));
    req.on('error', (err) => reject(unreachable(shown, err)));
    req.end();
  });
}

function unreachable(url: string, err: Error): ApiError {
  return new ApiError('unavailable', `the kubelet at ${url} cannot be reached: ${err.message}`, { cause: err });
}
