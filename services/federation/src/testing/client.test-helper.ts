/**
 * A plain HTTPS/HTTP client for tests, one new connection per request, that also reports the
 * certificate the server presented.
 * @module
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { DetailedPeerCertificate, TLSSocket } from 'node:tls';

/** What {@link get} returns. */
export interface TestResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** The server's certificate (https only). */
  readonly peer: DetailedPeerCertificate | undefined;
}

/** Options of {@link get}. */
export interface TestRequestOptions {
  readonly method?: string;
  /** Trusted CAs (PEM); without them the server certificate is not verified. */
  readonly ca?: string;
  readonly servername?: string;
  readonly maxVersion?: 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
  readonly minVersion?: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
  readonly ciphers?: string;
}

/** One request on a fresh connection. */
export function get(url: string, options: TestRequestOptions = {}): Promise<TestResponse> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const common = { method: options.method ?? 'GET', host: u.hostname, port: u.port, path: `${u.pathname}${u.search}`, agent: false as const };
    const req =
      u.protocol === 'http:'
        ? httpRequest(common)
        : httpsRequest({
            ...common,
            rejectUnauthorized: options.ca !== undefined,
            ...(options.ca === undefined ? {} : { ca: options.ca }),
            ...(options.servername === undefined ? {} : { servername: options.servername }),
            ...(options.maxVersion === undefined ? {} : { maxVersion: options.maxVersion }),
            ...(options.minVersion === undefined ? {} : { minVersion: options.minVersion }),
            ...(options.ciphers === undefined ? {} : { ciphers: options.ciphers }),
          });
    req.on('error', reject);
    req.on('response', (res) => {
      const socket = res.socket as TLSSocket;
      const peer = typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate(true) : undefined;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), peer }));
      res.on('error', reject);
    });
    req.end();
  });
}
