/**
 * Fetching a bundle endpoint's document over HTTPS, per profile (SPIFFE Federation §5.2):
 *
 * - `https_web` (§5.2.1.4): Web PKI. The server certificate must chain to a trusted CA (Node's
 *   default CAs, or those given) and match the URL host (RFC 6125, Node's `checkServerIdentity`).
 * - `https_spiffe` (§5.2.2.4): the server's chain must be a valid X.509-SVID against the bundle
 *   of its trust domain (`verifyX509Svid`) with exactly the configured endpoint SPIFFE ID; no
 *   hostname check. Node's own chain check is off for this profile (the roots are not Web PKI),
 *   and the SVID is verified when the handshake completes, BEFORE the request is written: a server
 *   that fails the check never sees a byte of HTTP.
 *
 * One deadline covers the whole fetch (connect, handshake, headers, body, redirects): a stalled
 * server cannot hold a fetcher past `timeoutMs`. The body is read up to `maxBytes` and the
 * connection dropped beyond it (a `Content-Length` above the limit is refused before reading).
 * Redirects (§5.2.1.4, §5.2.2.4: clients SHOULD follow them) are followed up to `maxRedirects`
 * times, only to https URLs without userinfo, with the same authentication as the original URL
 * (so an https_spiffe target must present the same SPIFFE ID); they are never remembered.
 * @module
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { BodyIncompleteError, BodyTooLargeError, peerChainOf, readBoundedBody } from '@signet/platform';
import { verifyX509Svid, type SpiffeId, type X509BundleSource } from '@signet/spiffe';
import { isIpLiteral } from '../internal/tls.js';
import { BundleFetchError } from './errors.js';

/** Options of {@link fetchBundleDocument}. */
export interface FetchBundleOptions {
  /** The bundle endpoint URL. */
  readonly url: string;
  readonly profile: 'https_web' | 'https_spiffe';
  /** https_spiffe: the SPIFFE ID the server must present. */
  readonly endpointSpiffeId?: SpiffeId | undefined;
  /** https_spiffe: the bundle(s) the server's SVID is verified against (the current one of its trust domain). */
  readonly endpointBundle?: X509BundleSource | undefined;
  /** https_web: the CA certificates (PEM) trusted; `undefined`: Node's default CAs. */
  readonly ca?: readonly string[] | undefined;
  /** Deadline of the whole fetch, ms. */
  readonly timeoutMs: number;
  /** Largest body accepted, bytes. */
  readonly maxBytes: number;
  /** Redirects followed at most (default 3). */
  readonly maxRedirects?: number;
  /** The time SVIDs are verified at. */
  readonly now: () => Date;
  /** Cancels the fetch (e.g. at shutdown). */
  readonly signal?: AbortSignal | undefined;
}

/** A fetched body and where it finally came from. */
export interface FetchedDocument {
  readonly body: Buffer;
  /** The URL that answered 200 (differs from the configured one after redirects). */
  readonly url: string;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const CONNECT_CODES = /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|EPIPE|EADDRNOTAVAIL)$/;

/**
 * Checks that `raw` is a valid bundle endpoint URL (§5.2.1.1, §5.2.2.1): scheme https, no
 * userinfo. Throws {@link BundleFetchError} `invalid_url`.
 */
export function checkBundleEndpointUrl(raw: string, base?: URL): URL {
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    throw new BundleFetchError('invalid_url', `${JSON.stringify(raw)} is not a URL`);
  }
  if (url.protocol !== 'https:') throw new BundleFetchError('invalid_url', `${url.protocol}// is not allowed: a bundle endpoint URL must be https`);
  if (url.username !== '' || url.password !== '') throw new BundleFetchError('invalid_url', 'a bundle endpoint URL must not include userinfo');
  return url;
}

/**
 * Fetches the document at a bundle endpoint; throws {@link BundleFetchError} with the reason.
 *
 * @example
 * ```ts
 * const { body } = await fetchBundleDocument({
 *   url: 'https://partner.example/bundle', profile: 'https_spiffe',
 *   endpointSpiffeId: SpiffeId.parse('spiffe://partner.example/spire/server'), endpointBundle: bootstrap,
 *   timeoutMs: 10_000, maxBytes: 1 << 20, now: () => clock.now(),
 * });
 * ```
 */
export async function fetchBundleDocument(options: FetchBundleOptions): Promise<FetchedDocument> {
  let url = checkBundleEndpointUrl(options.url);
  if (options.profile === 'https_spiffe' && (options.endpointSpiffeId === undefined || options.endpointBundle === undefined)) {
    throw new TypeError('fetchBundleDocument: https_spiffe needs endpointSpiffeId and endpointBundle');
  }
  const deadline = new AbortController();
  const timer = setTimeout(
    () => deadline.abort(new BundleFetchError('timeout', `no complete response from ${url.origin} within ${options.timeoutMs} ms`)),
    options.timeoutMs,
  );
  const outer = options.signal;
  const onOuterAbort = (): void => deadline.abort(outer?.reason ?? new Error('fetch cancelled'));
  if (outer?.aborted) onOuterAbort();
  else outer?.addEventListener('abort', onOuterAbort, { once: true });
  try {
    const maxRedirects = options.maxRedirects ?? 3;
    for (let hop = 0; ; hop++) {
      const result = await requestOnce(url, options, deadline.signal);
      if (result.body !== undefined) return { body: result.body, url: url.href };
      if (hop >= maxRedirects) throw new BundleFetchError('redirect', `more than ${maxRedirects} redirects (last to ${result.location})`);
      try {
        url = checkBundleEndpointUrl(result.location, url);
      } catch (err) {
        throw new BundleFetchError('redirect', `redirected to an invalid bundle endpoint URL: ${(err as Error).message}`);
      }
    }
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener('abort', onOuterAbort);
  }
}

type Outcome = { body: Buffer; location?: undefined } | { body?: undefined; location: string };

/** One HTTPS exchange: connect, authenticate, GET, read (or report a redirect). */
function requestOnce(url: URL, options: FetchBundleOptions, signal: AbortSignal): Promise<Outcome> {
  return new Promise<Outcome>((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    const port = url.port === '' ? 443 : Number(url.port);
    let settled = false;
    let secured = false;
    const socket: TLSSocket = tlsConnect({
      host,
      port,
      ...(isIpLiteral(host) ? {} : { servername: host }),
      ALPNProtocols: ['http/1.1'],
      minVersion: 'TLSv1.2',
      ...(options.profile === 'https_web'
        ? { rejectUnauthorized: true, ...(options.ca === undefined ? {} : { ca: [...options.ca] }) }
        : { rejectUnauthorized: false }),
    });
    const finish = (outcome: Outcome | undefined, err?: unknown): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      if (outcome !== undefined) resolve(outcome);
      else reject(err);
    };
    const onAbort = (): void => finish(undefined, signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    socket.on('error', (err: NodeJS.ErrnoException) => finish(undefined, transportError(err, secured, url)));
    socket.once('secureConnect', () => {
      secured = true;
      if (options.profile === 'https_spiffe') {
        try {
          authenticateSpiffePeer(socket, options);
        } catch (err) {
          finish(undefined, err);
          return;
        }
      }
      const req = httpRequest({
        createConnection: () => socket,
        method: 'GET',
        path: `${url.pathname}${url.search}`,
        headers: { host: url.host, accept: 'application/json', 'user-agent': 'signet-federation', connection: 'close' },
      });
      req.on('error', (err: NodeJS.ErrnoException) => finish(undefined, transportError(err, true, url)));
      req.on('response', (res) => readResponse(res, url, options.maxBytes, finish));
      req.end();
    });
  });
}

function readResponse(res: IncomingMessage, url: URL, maxBytes: number, finish: (outcome: Outcome | undefined, err?: unknown) => void): void {
  const status = res.statusCode ?? 0;
  if (REDIRECTS.has(status) && typeof res.headers.location === 'string') {
    res.resume();
    finish({ location: res.headers.location });
    return;
  }
  if (status !== 200) {
    res.resume();
    finish(undefined, new BundleFetchError('http_status', `${url.origin}${url.pathname} answered HTTP ${status}${res.statusMessage ? ` ${res.statusMessage}` : ''}, not 200`));
    return;
  }
  readBoundedBody(res, maxBytes).then(
    (body) => finish({ body }),
    (err: unknown) => {
      if (err instanceof BodyTooLargeError) finish(undefined, tooLarge(maxBytes, err.what));
      else if (err instanceof BodyIncompleteError) finish(undefined, new BundleFetchError('connect', `${url.origin} closed the connection before the whole body was received`));
      else finish(undefined, transportError(err as NodeJS.ErrnoException, true, url));
    },
  );
}

function tooLarge(maxBytes: number, what: string): BundleFetchError {
  return new BundleFetchError('too_large', `the ${what} exceeds max_bundle_size (${maxBytes} bytes)`);
}

/** https_spiffe: verifies the presented chain as an X.509-SVID of the endpoint SPIFFE ID. */
function authenticateSpiffePeer(socket: TLSSocket, options: FetchBundleOptions): void {
  const expected = options.endpointSpiffeId!;
  const chain = peerChainOf(socket.getPeerCertificate(true));
  if (chain.length === 0) throw new BundleFetchError('authentication', 'the server presented no certificate');
  let verified;
  try {
    verified = verifyX509Svid(chain, options.endpointBundle!, { now: options.now() });
  } catch (err) {
    throw new BundleFetchError(
      'authentication',
      `the server's certificate is not a valid X.509-SVID against the bundle of "${expected.trustDomain.name}": ${(err as Error).message}`,
      { cause: err },
    );
  }
  if (!verified.id.equals(expected)) {
    throw new BundleFetchError('authentication', `the server presented ${verified.id.toString()}, not the endpoint SPIFFE ID ${expected.toString()}`);
  }
}

function transportError(err: NodeJS.ErrnoException, secured: boolean, url: URL): unknown {
  if (err instanceof BundleFetchError) return err;
  const code = err.code ?? '';
  const what = `${url.origin}: ${err.message}`;
  if (!secured && !CONNECT_CODES.test(code)) return new BundleFetchError('tls', what, { cause: err });
  return new BundleFetchError('connect', what, { cause: err });
}
