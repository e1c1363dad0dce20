/**
 * A small HTTP(S) client for the admin server's tests: over a Unix socket or TLS, JSON in and out.
 * @module
 */
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { X509Svid } from '@signet/spiffe';

/** Where and how to send a request. */
export interface TestHttpTarget {
  readonly socketPath?: string;
  readonly port?: number;
  /** For TLS: the roots to trust and the client's SVID (none: no client certificate). */
  readonly tls?: { readonly ca: string; readonly svid?: X509Svid };
}

/** A response with its parsed JSON body. */
export interface TestHttpResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly json: unknown;
}

/** Sends one request and reads the JSON response. */
export function sendJson(target: TestHttpTarget, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<TestHttpResponse> {
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  const common = {
    method,
    path,
    headers: { ...(payload === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    agent: false as const,
  };
  return new Promise((resolve, reject) => {
    const onResponse = (res: IncomingMessage): void => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, json: text === '' ? undefined : JSON.parse(text) }));
    };
    const req =
      target.tls === undefined
        ? httpRequest({ ...common, ...(target.socketPath === undefined ? { host: '127.0.0.1', port: target.port } : { socketPath: target.socketPath }) }, onResponse)
        : httpsRequest(
            {
              ...common,
              host: '127.0.0.1',
              port: target.port,
              ca: target.tls.ca,
              ...(target.tls.svid === undefined ? {} : { cert: target.tls.svid.marshal().certificates, key: target.tls.svid.marshal().privateKey }),
              // SPIFFE: the server is identified by its URI SAN, not a host name.
              checkServerIdentity: () => undefined,
            },
            onResponse,
          );
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}
