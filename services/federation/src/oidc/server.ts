/**
 * The OIDC discovery provider: an HTTP server (HTTPS when given a certificate and key, reloaded
 * like the bundle endpoint's `https_web` ones) that serves, under the issuer's path:
 * - `GET <issuer path>/.well-known/openid-configuration`: the provider metadata;
 * - `GET <issuer path>/keys`: the JWK Set of the local trust domain's JWT-SVID signing keys.
 * Both are also answered at `/.well-known/openid-configuration` and `/keys` when the issuer has
 * a path (a proxy may strip it). `HEAD` is answered like `GET`; other methods get 405, other
 * paths 404. The documents follow the local bundle (kept current by the change log), so a key
 * the CA prepares appears in the JWKS at once — long before it signs (the CA publishes the next
 * JWT key at half its predecessor's life) — and a revoked one disappears at once.
 *
 * Caching: `Cache-Control: public, max-age=<max_age>` (default 300 s). Relying parties and CDNs
 * may cache that long; that is safe for additions (keys are published hours before use) and
 * bounds how long a revoked key may still be trusted after the bundle drops it. Lower `max_age`
 * if revocation must propagate faster.
 * @module
 */
import { closeHttpServer, listenOn } from '../internal/listen.js';
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { Cancel, Logger } from '@signet/platform';
import type { SpiffeBundle } from '@signet/spiffe';
import type { TlsCredentials } from '../internal/credentials.js';
import { urlAuthority } from '../internal/tls.js';
import { jwksOf, normalizeIssuer, openIdConfiguration } from './documents.js';

/** The discovery document path, relative to the issuer. */
export const DISCOVERY_PATH = '/.well-known/openid-configuration';
/** The JWKS path, relative to the issuer. */
export const JWKS_PATH = '/keys';

/** Options of {@link OidcDiscoveryServer}. */
export interface OidcDiscoveryServerOptions {
  readonly host: string;
  /** 0: any free port. */
  readonly port: number;
  /** The issuer URL; default: this listener's own URL (`http(s)://host:port`). */
  readonly issuer?: string | undefined;
  /** Serve HTTPS with these credentials; plain HTTP when absent. */
  readonly credentials?: TlsCredentials | undefined;
  /** `Cache-Control: max-age`, seconds. */
  readonly maxAgeSeconds: number;
  /** The local bundle now (its JWT authorities are the JWKS). */
  readonly bundle: () => SpiffeBundle | undefined;
  readonly logger: Logger;
}

/**
 * The OIDC discovery server.
 *
 * @example
 * ```ts
 * const oidc = new OidcDiscoveryServer({ host: '0.0.0.0', port: 8444, issuer: 'https://oidc.example.org', maxAgeSeconds: 300, bundle: () => local.bundle, logger });
 * const { url, issuer } = await oidc.listen();
 * ```
 */
export class OidcDiscoveryServer {
  readonly #options: OidcDiscoveryServerOptions;
  readonly #server: HttpServer | HttpsServer;
  #detach: Cancel | undefined;
  #url: string | undefined;
  #issuer: string | undefined;
  #prefix = '';
  #cached: { bundle: SpiffeBundle | undefined; jwks: Buffer; config: Buffer } | undefined;

  constructor(options: OidcDiscoveryServerOptions) {
    this.#options = options;
    const handler = (req: IncomingMessage, res: ServerResponse): void => this.#handle(req, res);
    this.#server = options.credentials === undefined ? createHttpServer(handler) : createHttpsServer({ ...options.credentials.current(), requestCert: false }, handler);
    this.#server.keepAliveTimeout = 5_000;
    this.#server.headersTimeout = 10_000;
    this.#server.requestTimeout = 30_000;
  }

  /** The issuer, once listening. */
  get issuer(): string | undefined {
    return this.#issuer;
  }

  /** The URL of the discovery document on this listener, once listening. */
  get discoveryUrl(): string | undefined {
    return this.#url === undefined ? undefined : `${this.#url}${this.#prefix}${DISCOVERY_PATH}`;
  }

  /** Starts listening; resolves with the listener's base URL and the issuer. */
  async listen(): Promise<{ url: string; issuer: string }> {
    if (this.#options.credentials !== undefined && 'setSecureContext' in this.#server) this.#detach = this.#options.credentials.attach(this.#server);
    const { port } = await listenOn(this.#server, this.#options.port, this.#options.host);
    const scheme = this.#options.credentials === undefined ? 'http' : 'https';
    this.#url = `${scheme}://${urlAuthority(this.#options.host, port)}`;
    this.#issuer = this.#options.issuer ?? this.#url;
    this.#prefix = normalizeIssuer(new URL(this.#issuer).pathname);
    this.#options.logger.info({ url: this.#url, issuer: this.#issuer }, 'oidc discovery: listening');
    return { url: this.#url, issuer: this.#issuer };
  }

  /** Stops accepting connections and closes the open ones. */
  async close(): Promise<void> {
    this.#detach?.();
    this.#detach = undefined;
    await closeHttpServer(this.#server);
  }

  /** The current documents, rebuilt when the bundle changed. */
  #documents(): { jwks: Buffer; config: Buffer } {
    const bundle = this.#options.bundle();
    if (this.#cached === undefined || this.#cached.bundle !== bundle) {
      const jwks = jwksOf(bundle);
      const config = openIdConfiguration(this.#issuer!, jwks);
      this.#cached = { bundle, jwks: Buffer.from(JSON.stringify(jwks)), config: Buffer.from(JSON.stringify(config)) };
    }
    return this.#cached;
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
    const relative = this.#prefix !== '' && path.startsWith(`${this.#prefix}/`) ? path.slice(this.#prefix.length) : path;
    if (relative !== DISCOVERY_PATH && relative !== JWKS_PATH) return reply(res, 404, 'not found\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return reply(res, 405, 'method not allowed\n');
    }
    let body: Buffer;
    try {
      const docs = this.#documents();
      body = relative === DISCOVERY_PATH ? docs.config : docs.jwks;
    } catch (err) {
      this.#options.logger.error({ err }, 'oidc discovery: could not build the documents');
      return reply(res, 500, 'internal error\n');
    }
    res.writeHead(200, {
      // application/json for the JWKS too (not application/jwk-set+json): what relying parties expect.
      'Content-Type': 'application/json',
      'Content-Length': body.length,
      'Cache-Control': `public, max-age=${this.#options.maxAgeSeconds}`,
      'X-Content-Type-Options': 'nosniff',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }
}

function reply(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' });
  res.end(text);
}
