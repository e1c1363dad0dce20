/**
 * A stand-in for a Kubernetes API server in tests: a real HTTPS server (certificate from a
 * test CA) that requires a bearer token and answers OIDC discovery, the service-account
 * issuer's JWKS, TokenReview, GET pod and GET node from what the test put in it. Its
 * TokenReview checks signatures with the same issuer keys and the audience asked for.
 * @module
 */
import { generateKeyPairSync, type KeyObject, randomBytes, X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestCa } from '@signet/spiffe/testing';
import { decodeJws, verifyJwsSignature } from '../attestors/k8s-psat/jws.js';
import { signTestJwt } from './jwt.js';

/** A pod the fake knows. */
export interface FakePod {
  readonly uid: string;
  readonly nodeName?: string;
  readonly serviceAccountName: string;
  readonly labels?: Record<string, string>;
}

/** A node the fake knows. */
export interface FakeNode {
  readonly uid: string;
  readonly labels?: Record<string, string>;
}

/** One request the fake received. */
export interface FakeRequest {
  readonly method: string;
  readonly path: string;
  readonly authorized: boolean;
  readonly body: string;
}

/** The fake API server. */
export class FakeKubeApi {
  readonly issuer = 'https://kubernetes.default.svc.cluster.local';
  readonly kid = `kid-${randomBytes(4).toString('hex')}`;
  readonly signingKey: KeyObject;
  readonly #publicKey: KeyObject;
  readonly pods = new Map<string, FakePod>();
  readonly nodes = new Map<string, FakeNode>();
  readonly requests: FakeRequest[] = [];
  /** Overrides TokenReview's verdict (e.g. `() => ({ authenticated: false })`). */
  tokenReview: ((token: string, audiences: readonly string[]) => Record<string, unknown>) | undefined;
  #server!: Server;
  #dir!: string;
  url = '';
  caPem = '';
  caFile = '';
  tokenFile = '';
  jwksFile = '';
  readonly bearer = `bearer-${randomBytes(12).toString('hex')}`;

  private constructor() {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.signingKey = privateKey;
    this.#publicKey = publicKey;
  }

  /** Starts a fake on a free port of `localhost`. */
  static async start(): Promise<FakeKubeApi> {
    const fake = new FakeKubeApi();
    const ca = TestCa.create('kube.test');
    const leaf = ca.issueCertificate({ dnsNames: ['localhost'], subject: { commonName: 'kube-apiserver' } });
    fake.caPem = new X509Certificate(ca.certificate).toString();
    fake.#dir = await mkdtemp(join(tmpdir(), 'signet-kube-'));
    fake.caFile = join(fake.#dir, 'ca.pem');
    fake.tokenFile = join(fake.#dir, 'token');
    fake.jwksFile = join(fake.#dir, 'jwks.json');
    await writeFile(fake.caFile, fake.caPem);
    await writeFile(fake.tokenFile, `${fake.bearer}\n`);
    await writeFile(fake.jwksFile, JSON.stringify(fake.jwks()));
    fake.#server = createServer(
      { cert: new X509Certificate(leaf.certificate).toString(), key: leaf.privateKey?.export({ type: 'pkcs8', format: 'pem' }) },
      (req, res) => void fake.#handle(req, res),
    );
    await new Promise<void>((resolve) => fake.#server.listen(0, 'localhost', resolve));
    fake.url = `https://localhost:${(fake.#server.address() as AddressInfo).port}`;
    return fake;
  }

  /** The issuer's JWKS document. */
  jwks(): { keys: Record<string, unknown>[] } {
    return { keys: [{ ...this.#publicKey.export({ format: 'jwk' }), kid: this.kid, alg: 'RS256', use: 'sig' }] };
  }

  /** Signs `claims` with the issuer key. */
  sign(claims: Record<string, unknown>): string {
    return signTestJwt(this.signingKey, this.kid, claims);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
    await rm(this.#dir, { recursive: true, force: true });
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const path = new URL(req.url ?? '/', this.url).pathname;
    const authorized = req.headers.authorization === `Bearer ${this.bearer}`;
    this.requests.push({ method: req.method ?? '', path, authorized, body });
    const reply = (status: number, doc: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(doc));
    };
    if (!authorized) return reply(401, { kind: 'Status', code: 401, reason: 'Unauthorized' });
    if (req.method === 'GET' && path === '/.well-known/openid-configuration') {
      return reply(200, { issuer: this.issuer, jwks_uri: `${this.url}/openid/v1/jwks` });
    }
    if (req.method === 'GET' && path === '/openid/v1/jwks') return reply(200, this.jwks());
    if (req.method === 'POST' && path === '/apis/authentication.k8s.io/v1/tokenreviews') {
      const spec = (JSON.parse(body) as { spec: { token: string; audiences?: string[] } }).spec;
      const status = this.tokenReview?.(spec.token, spec.audiences ?? []) ?? this.#review(spec.token, spec.audiences ?? []);
      return reply(201, { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', status });
    }
    const pod = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && pod !== null) {
      const found = this.pods.get(`${decodeURIComponent(pod[1] ?? '')}/${decodeURIComponent(pod[2] ?? '')}`);
      if (found === undefined) return reply(404, { kind: 'Status', code: 404, reason: 'NotFound' });
      return reply(200, {
        metadata: { name: pod[2], namespace: pod[1], uid: found.uid, labels: found.labels ?? {} },
        spec: { nodeName: found.nodeName, serviceAccountName: found.serviceAccountName },
      });
    }
    const node = /^\/api\/v1\/nodes\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && node !== null) {
      const found = this.nodes.get(decodeURIComponent(node[1] ?? ''));
      if (found === undefined) return reply(404, { kind: 'Status', code: 404, reason: 'NotFound' });
      return reply(200, { metadata: { name: node[1], uid: found.uid, labels: found.labels ?? {} } });
    }
    return reply(404, { kind: 'Status', code: 404, reason: 'NotFound' });
  }

  /** TokenReview as the API server does it: signature by the issuer key, and an asked-for audience. */
  #review(token: string, audiences: readonly string[]): Record<string, unknown> {
    try {
      const jws = decodeJws(token);
      if (!verifyJwsSignature(jws, this.#publicKey)) return { authenticated: false, error: 'invalid signature' };
      const aud = jws.claims['aud'];
      const tokenAudiences = Array.isArray(aud) ? (aud as string[]) : [String(aud)];
      const matched = audiences.filter((a) => tokenAudiences.includes(a));
      if (matched.length === 0) return { authenticated: false, error: 'token audiences are invalid' };
      const k8s = jws.claims['kubernetes.io'] as { namespace: string; serviceaccount: { name: string }; pod?: { name: string; uid: string } };
      return {
        authenticated: true,
        audiences: matched,
        user: {
          username: `system:serviceaccount:${k8s.namespace}:${k8s.serviceaccount.name}`,
          extra:
            k8s.pod === undefined
              ? {}
              : { 'authentication.kubernetes.io/pod-name': [k8s.pod.name], 'authentication.kubernetes.io/pod-uid': [k8s.pod.uid] },
        },
      };
    } catch {
      return { authenticated: false, error: 'malformed token' };
    }
  }
}
