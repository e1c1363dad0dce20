/**
 * A small HTTPS client for the Kubernetes API server: JSON requests authenticated with a
 * bearer token read from a file (re-read periodically, since projected tokens rotate), the
 * server verified against a configured CA. Requests to another origin (an issuer's JWKS URL
 * outside the cluster) use the system CAs and no bearer token.
 * @module
 */
import { request as httpsRequest } from 'node:https';
import { readFile } from 'node:fs/promises';
import type { Clock } from '@signet/platform';

/** Options of {@link KubeApiClient}. */
export interface KubeApiClientOptions {
  /** Base URL of the API server, `https://host:port`. */
  readonly url: string;
  /** PEM CA certificate(s) the API server's certificate must chain to (default: system CAs). */
  readonly caPem?: string;
  /** File holding the bearer token (e.g. a service-account token); none when absent. */
  readonly tokenFile?: string;
  readonly clock: Clock;
  /** Per-request timeout in ms (default 10 000). */
  readonly timeoutMs?: number;
  /** How long a token read from `tokenFile` is reused, in ms (default 60 000). */
  readonly tokenRefreshMs?: number;
}

/** A request that failed; `status` is set when the server answered. */
export class KubeApiError extends Error {
  override readonly name = 'KubeApiError';
  constructor(
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

/** JSON over HTTPS to one API server. */
export class KubeApiClient {
  readonly #base: URL;
  readonly #options: KubeApiClientOptions;
  #token: { value: string; readAtMs: number } | undefined;

  constructor(options: KubeApiClientOptions) {
    this.#base = new URL(options.url);
    if (this.#base.protocol !== 'https:') throw new TypeError(`Kubernetes API server URL must be https (got ${options.url})`);
    this.#options = options;
  }

  /** The API server's base URL. */
  get url(): URL {
    return this.#base;
  }

  /** GETs JSON from a path of the API server or an absolute URL. */
  getJson<T>(pathOrUrl: string, signal?: AbortSignal): Promise<T> {
    return this.#request<T>('GET', pathOrUrl, undefined, signal);
  }

  /** POSTs a JSON body to a path of the API server. */
  postJson<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T> {
    return this.#request<T>('POST', path, JSON.stringify(body), signal);
  }

  async #bearer(): Promise<string | undefined> {
    const file = this.#options.tokenFile;
    if (file === undefined) return undefined;
    const now = this.#options.clock.nowMs();
    const maxAge = this.#options.tokenRefreshMs ?? 60_000;
    if (this.#token === undefined || now - this.#token.readAtMs >= maxAge) {
      try {
        this.#token = { value: (await readFile(file, 'utf8')).trim(), readAtMs: now };
      } catch (err) {
        throw new KubeApiError(`cannot read the API server token file ${file}`, undefined, { cause: err });
      }
    }
    return this.#token.value;
  }

  async #request<T>(method: string, pathOrUrl: string, body: string | undefined, signal?: AbortSignal): Promise<T> {
    const url = new URL(pathOrUrl, this.#base);
    const sameOrigin = url.origin === this.#base.origin;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const bearer = sameOrigin ? await this.#bearer() : undefined;
    if (bearer !== undefined) headers['authorization'] = `Bearer ${bearer}`;
    const where = `${method} ${url.origin}${url.pathname}`;
    return new Promise<T>((resolve, reject) => {
      const req = httpsRequest(
        url,
        {
          method,
          headers,
          ...(sameOrigin && this.#options.caPem !== undefined ? { ca: this.#options.caPem } : {}),
          timeout: this.#options.timeoutMs ?? 10_000,
          ...(signal === undefined ? {} : { signal }),
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_RESPONSE_BYTES) req.destroy(new KubeApiError(`${where}: response larger than ${MAX_RESPONSE_BYTES} bytes`));
            else chunks.push(chunk);
          });
          res.on('error', (err) => reject(new KubeApiError(`${where}: ${err.message}`, undefined, { cause: err })));
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            const text = Buffer.concat(chunks).toString('utf8');
            if (status < 200 || status > 299) {
              reject(new KubeApiError(`${where}: HTTP ${status}`, status));
              return;
            }
            try {
              resolve(JSON.parse(text) as T);
            } catch (err) {
              reject(new KubeApiError(`${where}: the response is not JSON`, status, { cause: err }));
            }
          });
        },
      );
      req.on('timeout', () => req.destroy(new KubeApiError(`${where}: timed out`)));
      req.on('error', (err) => reject(err instanceof KubeApiError ? err : new KubeApiError(`${where}: ${err.message}`, undefined, { cause: err })));
      req.end(body);
    });
  }
}
