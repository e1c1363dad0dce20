/**
 * The SPIFFE bundle endpoint (SPIFFE Federation §4, §5.2): an HTTPS server that answers
 * `GET <path>` with the local trust domain's bundle as a SPIFFE bundle document.
 *
 * - Profiles: `https_spiffe` serves with this server's X.509-SVID ({@link SvidTlsCredentials}),
 *   `https_web` with a certificate and key from files ({@link FileTlsCredentials}). Either way the
 *   TLS settings are Mozilla "intermediate" (TLS 1.2+, §5) and no client certificate is requested
 *   (§5.2.1.3, §5.2.2.3: servers MUST NOT require client authentication).
 * - The document is always the latest the CA published (read from memory, which the change log
 *   keeps current), with `spiffe_sequence` as published and `spiffe_refresh_hint` as published
 *   or as configured (`federation.bundle_endpoint.refresh_hint` overrides; 300 s when neither).
 * - Responses: `200` with `Content-Type: application/json` (the body is UTF-8 JSON) and
 *   `Cache-Control: no-store`, so no intermediary can hand out a bundle older than what is
 *   published (a revoked or tainted authority must disappear at the next poll); `HEAD` as `GET`
 *   without a body; `405` (with `Allow`) for other methods; `404` for other paths; `503` until
 *   the CA has published a bundle. No redirects are sent.
 * @module
 */
import { closeHttpServer, listenOn } from '../internal/listen.js';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Cancel, Logger } from '@signet/platform';
import type { SpiffeBundle } from '@signet/spiffe';
import type { TlsCredentials } from '../internal/credentials.js';
import { urlAuthority } from '../internal/tls.js';

/** `spiffe_refresh_hint` served when neither the stored bundle nor the config has one (SPIFFE Federation §4.1). */
export const DEFAULT_REFRESH_HINT_SECONDS = 300;

/** Options of {@link BundleEndpointServer}. */
export interface BundleEndpointServerOptions {
  readonly host: string;
  /** 0: any free port. */
  readonly port: number;
  /** The URL path the bundle is served on (default `/`). */
  readonly path?: string;
  readonly credentials: TlsCredentials;
  /** The local bundle to serve now; `undefined` until one is published (503). */
  readonly bundle: () => SpiffeBundle | undefined;
  /** Overrides the bundle's `spiffe_refresh_hint`, seconds. */
  readonly refreshHintSeconds?: number | undefined;
  readonly logger: Logger;
}

/**
 * The bundle endpoint server.
 *
 * @example
 * ```ts
 * const server = new BundleEndpointServer({ host: '0.0.0.0', port: 8443, credentials, bundle: () => local.bundle, logger });
 * const { url } = await server.listen();   // https://127.0.0.1:8443/
 * await server.close();
 * ```
 */
export class BundleEndpointServer {
  readonly #options: BundleEndpointServerOptions;
  readonly #path: string;
  readonly #server: Server;
  #detach: Cancel | undefined;
  #url: string | undefined;
  #cached: { bundle: SpiffeBundle; body: Buffer } | undefined;

  constructor(options: BundleEndpointServerOptions) {
    this.#options = options;
    this.#path = options.path ?? '/';
    this.#server = createServer({ ...options.credentials.current(), requestCert: false }, (req, res) => this.#handle(req, res));
    this.#server.on('tlsClientError', (err) => options.logger.debug({ err }, 'bundle endpoint: TLS handshake failed'));
    this.#server.keepAliveTimeout = 5_000;
    this.#server.headersTimeout = 10_000;
    this.#server.requestTimeout = 30_000;
  }

  /** The URL clients fetch, once listening. */
  get url(): string | undefined {
    return this.#url;
  }

  /** The document served now (what a GET returns), or `undefined` before the first bundle. */
  document(): Buffer | undefined {
    const bundle = this.#options.bundle();
    if (bundle === undefined) return undefined;
    if (this.#cached?.bundle !== bundle) {
      const hint = this.#options.refreshHintSeconds ?? bundle.refreshHint ?? DEFAULT_REFRESH_HINT_SECONDS;
      this.#cached = { bundle, body: Buffer.from(bundle.withRefreshHint(hint).toJson(), 'utf8') };
    }
    return this.#cached.body;
  }

  /** Starts listening; resolves with the endpoint URL (the bound port when 0 was asked). */
  async listen(): Promise<{ url: string }> {
    this.#detach = this.#options.credentials.attach(this.#server);
    const { port } = await listenOn(this.#server, this.#options.port, this.#options.host);
    this.#url = `https://${urlAuthority(this.#options.host, port)}${this.#path}`;
    this.#options.logger.info({ url: this.#url }, 'bundle endpoint: listening');
    return { url: this.#url };
  }

  /** Stops accepting connections and closes the open ones. */
  async close(): Promise<void> {
    this.#detach?.();
    this.#detach = undefined;
    await closeHttpServer(this.#server);
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?', 1)[0];
    if (path !== this.#path) return reply(res, 404, 'not found\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return reply(res, 405, 'method not allowed\n');
    }
    let body: Buffer | undefined;
    try {
      body = this.document();
    } catch (err) {
      this.#options.logger.error({ err }, 'bundle endpoint: could not serialise the local bundle');
      return reply(res, 500, 'internal error\n');
    }
    if (body === undefined) {
      res.setHeader('Retry-After', '5');
      return reply(res, 503, 'the local bundle has not been published yet\n');
    }
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Content-Length': body.length,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }
}

function reply(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' });
  res.end(text);
}
