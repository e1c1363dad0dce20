import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import * as tls from 'node:tls';
import { W, withSds } from './grpc.test-helper.js';
import { API_ID, OTHER_TD, TD, WEB_ID, identities } from './identities.test-helper.js';
import { issueSvid, viewOf } from './testing/fixtures.js';
import type { SdsHarness } from './testing/harness.js';
import { ENVOY_NODE, OLD_ENVOY_NODE } from './testing/sds-test-client.js';

const ids = identities();
const INTRUDER_ID = 'spiffe://example.org/intruder';
const FOREIGN_ID = `spiffe://${OTHER_TD}/web`;

/** TLS material of one workload, fetched over SDS only: its SVID, and a CA from a validation context. */
interface Material {
  readonly cert: string;
  readonly key: string;
  readonly ca: string;
}

async function materialOverSds(h: SdsHarness, workload: string, svidName: string, caName: string, form: 'spiffe' | 'trusted_ca'): Promise<Material> {
  const client = h.client(workload);
  const certStream = client.sotw();
  const caStream = client.sotw();
  const node = form === 'spiffe' ? ENVOY_NODE : OLD_ENVOY_NODE;
  certStream.subscribe([svidName], node);
  caStream.subscribe([caName], node);
  const [certReply, caReply] = await Promise.all([certStream.next(), caStream.next()]);
  certStream.ack(certReply);
  caStream.ack(caReply);
  const tlsCert = certReply.secrets[0];
  const vc = caReply.secrets[0];
  assert.equal(tlsCert?.type, 'tls_certificate');
  assert.equal(vc?.type, 'validation_context');
  // With the SPIFFE validator, Envoy picks the bundle of the peer's trust domain; here the peer is in TD.
  const ca = form === 'spiffe' ? vc?.validator?.trustDomains.find((t) => t.name === TD)?.pem : vc?.trustedCa;
  assert.ok(tlsCert?.certificateChain && tlsCert.privateKey && ca);
  return { cert: tlsCert.certificateChain, key: tlsCert.privateKey, ca };
}

function uriSan(cert: { subjectaltname?: string } | undefined): string | undefined {
  return /URI:(spiffe:\/\/[^,\s]+)/.exec(cert?.subjectaltname ?? '')?.[1];
}

/** A TLS server that requires a client certificate and answers only the expected SPIFFE ID. */
async function startServer(m: Material, allowedClient: string): Promise<{ port: number; close: () => void }> {
  const server = tls.createServer({ cert: m.cert, key: m.key, ca: m.ca, requestCert: true, rejectUnauthorized: true }, (socket) => {
    const peer = uriSan(socket.getPeerCertificate());
    if (peer !== allowedClient) {
      socket.destroy();
      return;
    }
    socket.end(`hello ${peer}`);
  });
  server.on('tlsClientError', () => {});
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { port: (server.address() as AddressInfo).port, close: () => server.close() };
}

/** Connects with `m`, accepting only a server whose SPIFFE ID is `expectedServer`; resolves with the greeting. */
function connect(port: number, m: Material, expectedServer: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host: '127.0.0.1',
      port,
      cert: m.cert,
      key: m.key,
      ca: m.ca,
      checkServerIdentity: (_host, cert) => (uriSan(cert) === expectedServer ? undefined : new Error(`server is ${uriSan(cert)}, expected ${expectedServer}`)),
    });
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (data += chunk));
    socket.on('error', reject);
    socket.on('close', () => (data === '' ? reject(new Error('closed without a greeting')) : resolve(data)));
  });
}

describe('mutual TLS from SDS-delivered material only', () => {
  it('two endpoints configured from SDS secrets (SPIFFE validator and trusted_ca forms) handshake and check SPIFFE IDs', async () => {
    await withSds(async (h) => {
      h.views.set(W('api'), viewOf({ svids: [ids.api], bundle: ids.bundle }));
      h.views.set(W('web'), viewOf({ svids: [ids.web], bundle: ids.bundle }));
      const serverSide = await materialOverSds(h, 'api', API_ID, 'ROOTCA', 'spiffe');
      const clientSide = await materialOverSds(h, 'web', 'default', `spiffe://${TD}`, 'trusted_ca');
      const server = await startServer(serverSide, WEB_ID);
      try {
        assert.equal(await connect(server.port, clientSide, API_ID), `hello ${WEB_ID}`);
      } finally {
        server.close();
      }
    });
  });

  it('a peer with another identity in the trust domain is refused by the SPIFFE-ID check', async () => {
    await withSds(async (h) => {
      h.views.set(W('api'), viewOf({ svids: [ids.api], bundle: ids.bundle }));
      h.views.set(W('intruder'), viewOf({ svids: [issueSvid(ids.ca, INTRUDER_ID)], bundle: ids.bundle }));
      const serverSide = await materialOverSds(h, 'api', API_ID, 'ROOTCA', 'spiffe');
      const intruder = await materialOverSds(h, 'intruder', INTRUDER_ID, 'ROOTCA', 'spiffe');
      const server = await startServer(serverSide, WEB_ID);
      try {
        await assert.rejects(connect(server.port, intruder, API_ID), 'the server refuses the intruder client');
        await assert.rejects(connect(server.port, intruder, 'spiffe://example.org/billing'), /server is spiffe:\/\/example.org\/api/, 'a client refuses an unexpected server');
      } finally {
        server.close();
      }
    });
  });

  it('a peer from another trust domain is refused by the handshake', async () => {
    await withSds(async (h) => {
      h.views.set(W('api'), viewOf({ svids: [ids.api], bundle: ids.bundle }));
      h.views.set(W('foreign'), viewOf({ svids: [issueSvid(ids.otherCa, FOREIGN_ID)], bundle: ids.bundle }));
      const serverSide = await materialOverSds(h, 'api', API_ID, 'ROOTCA', 'spiffe');
      const foreign = await materialOverSds(h, 'foreign', FOREIGN_ID, 'ROOTCA', 'spiffe');
      const server = await startServer(serverSide, FOREIGN_ID);
      try {
        await assert.rejects(connect(server.port, foreign, API_ID));
      } finally {
        server.close();
      }
    });
  });
});
