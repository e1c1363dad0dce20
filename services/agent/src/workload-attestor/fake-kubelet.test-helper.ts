/**
 * Test helper: a fake kubelet — a real HTTP(S) server on 127.0.0.1 answering `GET /pods` with
 * pod lists the test sets.
 * @module
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/** One answer of the fake kubelet. */
export type KubeletAnswer = { readonly status?: number; readonly body: unknown } | { readonly raw: string };

/** A running fake kubelet. */
export interface FakeKubelet {
  readonly url: string;
  /** Headers of each request received, in order. */
  readonly requests: IncomingHttpHeaders[];
  /** Answers for the next requests, in order; the last one repeats. */
  answers: KubeletAnswer[];
  close(): Promise<void>;
}

/** A self-signed certificate for 127.0.0.1 made with the openssl CLI, or `undefined` without it. */
export function selfSignedCertificate(dir: string): { readonly cert: string; readonly key: string; readonly certFile: string } | undefined {
  const certFile = join(dir, 'kubelet.crt');
  const keyFile = join(dir, 'kubelet.key');
  try {
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=kubelet', '-addext', 'subjectAltName=IP:127.0.0.1'],
      { stdio: 'ignore' },
    );
  } catch {
    return undefined;
  }
  return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8'), certFile };
}

/** Starts a fake kubelet (https when `tls` is given). */
export async function startFakeKubelet(answers: KubeletAnswer[], tls?: { readonly cert: string; readonly key: string }): Promise<FakeKubelet> {
  const requests: IncomingHttpHeaders[] = [];
  const state = { answers };
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    if (req.method !== 'GET' || req.url !== '/pods') {
      res.writeHead(404).end();
      return;
    }
    requests.push(req.headers);
    const answer = state.answers.length > 1 ? state.answers.shift() : state.answers[0];
    if (answer === undefined) {
      res.writeHead(500).end();
      return;
    }
    if ('raw' in answer) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(answer.raw);
      return;
    }
    res.writeHead(answer.status ?? 200, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
  };
  const server: Server = tls === undefined ? createHttpServer(handler) : createHttpsServer(tls, handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}`,
    requests,
    get answers() {
      return state.answers;
    },
    set answers(next) {
      state.answers = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
