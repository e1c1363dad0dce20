// A workload process that takes its TLS material only from the agent over SDS (like an Envoy),
// then serves or dials mutual TLS, accepting only the peer SPIFFE ID it is told.
// Usage: node sds-peer.js server|client <agent socket> <svid name> <expected peer id> [port] [validation context name]
//        node sds-peer.js watch <agent socket> <secret name>   (one line per response, each ACKed, until killed)
// Prints one JSON line: {"listening": port} (server), {"ok": true, "peer": id} or {"ok": false, "error": ...}.
import { Metadata, makeClientConstructor, credentials } from '@grpc/grpc-js';
import { X509Certificate } from 'node:crypto';
import * as tls from 'node:tls';
import { SECRET_TYPE_URL, sdsProtos } from '@signet/agent';

const [role, socket, svidName, expectedPeer, portText, caName = 'ROOTCA'] = process.argv.slice(2) as [string, string, string, string, string?, string?];

interface Secret {
  name: string;
  tls_certificate?: { certificate_chain: { inline_bytes: Uint8Array }; private_key: { inline_bytes: Uint8Array } };
  validation_context?: { trusted_ca: { inline_bytes: Uint8Array } };
}

/** One secret by name, from a StreamSecrets stream (ACKed, then closed). */
function fetchSecret(name: string): Promise<Secret> {
  const protos = sdsProtos();
  const Client = makeClientConstructor(protos.service, 'SecretDiscoveryService');
  const client = new Client(`unix://${socket}`, credentials.createInsecure()) as unknown as { StreamSecrets(md: Metadata): NodeJS.ReadWriteStream & { write(m: unknown): boolean; cancel(): void } };
  const stream = client.StreamSecrets(new Metadata());
  return new Promise<Secret>((resolve, reject) => {
    stream.on('data', (res: { version_info: string; nonce: string; type_url: string; resources: Array<{ type_url: string; value: Buffer }> }) => {
      const any = res.resources.find((r) => r.type_url === SECRET_TYPE_URL);
      if (any === undefined) return;
      const secret = protos.Secret.toObject(protos.Secret.decode(any.value), { keepCase: true } as never) as unknown as Secret;
      stream.write({ version_info: res.version_info, response_nonce: res.nonce, resource_names: [name], type_url: SECRET_TYPE_URL });
      resolve(secret);
      stream.cancel();
    });
    stream.on('error', (err: { code?: number }) => {
      if (err.code !== 1) reject(err);
    });
    // Metadata asks for plain trusted_ca validation contexts, which node:tls takes as its `ca`.
    stream.write({
      node: { id: `peer-${process.pid}`, cluster: 'test', metadata: { fields: { disable_spiffe_cert_validation: { boolValue: true } } } },
      resource_names: [name],
      type_url: SECRET_TYPE_URL,
    });
  });
}

function peerId(cert: { raw?: Buffer } | undefined): string {
  if (!cert?.raw) return '';
  const san = new X509Certificate(cert.raw).subjectAltName ?? '';
  return san.split(', ').find((s) => s.startsWith('URI:'))?.slice(4) ?? '';
}

/** Follows one secret: prints each response (its version and, for validation contexts, the number of roots) and ACKs it. */
function watch(name: string): void {
  const protos = sdsProtos();
  const Client = makeClientConstructor(protos.service, 'SecretDiscoveryService');
  const client = new Client(`unix://${socket}`, credentials.createInsecure()) as unknown as { StreamSecrets(md: Metadata): NodeJS.ReadWriteStream & { write(m: unknown): boolean } };
  const stream = client.StreamSecrets(new Metadata());
  let n = 0;
  stream.on('data', (res: { version_info: string; nonce: string; resources: Array<{ type_url: string; value: Buffer }> }) => {
    const secrets = res.resources.map((r) => protos.Secret.toObject(protos.Secret.decode(r.value), { keepCase: true } as never) as unknown as Secret);
    const pem = secrets[0]?.validation_context ? text(secrets[0].validation_context.trusted_ca.inline_bytes) : '';
    out({ update: ++n, version: res.version_info, names: secrets.map((s) => s.name), roots: (pem.match(/BEGIN CERTIFICATE/g) ?? []).length });
    stream.write({ version_info: res.version_info, response_nonce: res.nonce, resource_names: [name], type_url: SECRET_TYPE_URL });
  });
  stream.on('error', () => process.exit(0));
  stream.write({
    node: { id: `watch-${process.pid}`, cluster: 'test', metadata: { fields: { disable_spiffe_cert_validation: { boolValue: true } } } },
    resource_names: [name],
    type_url: SECRET_TYPE_URL,
  });
}

const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');
const out = (o: unknown) => process.stdout.write(`${JSON.stringify(o)}\n`);

if (role === 'watch') {
  watch(svidName);
  await new Promise(() => {});
}
const [svid, roots] = await Promise.all([fetchSecret(svidName), fetchSecret(caName)]);
const cert = text(svid.tls_certificate!.certificate_chain.inline_bytes);
const key = text(svid.tls_certificate!.private_key.inline_bytes);
const ca = text(roots.validation_context!.trusted_ca.inline_bytes);

if (role === 'server') {
  const server = tls.createServer({ cert, key, ca, requestCert: true, rejectUnauthorized: true }, (conn) => {
    const id = peerId(conn.getPeerCertificate());
    if (id !== expectedPeer) {
      conn.end(`refused ${id}\n`);
      return;
    }
    conn.end(`hello ${id}\n`);
  });
  server.listen(Number(portText || 0), '127.0.0.1', () => out({ listening: (server.address() as { port: number }).port }));
} else {
  const conn = tls.connect({
    host: '127.0.0.1',
    port: Number(portText),
    cert,
    key,
    ca,
    checkServerIdentity: (_host, c) => (peerId(c) === expectedPeer ? undefined : new Error(`server is ${peerId(c)}, expected ${expectedPeer}`)),
  });
  let data = '';
  conn.on('data', (d: Buffer) => (data += d.toString()));
  conn.on('end', () => {
    out(data.startsWith('hello ') ? { ok: true, reply: data.trim() } : { ok: false, error: data.trim() });
    process.exit(0);
  });
  conn.on('error', (err) => {
    out({ ok: false, error: err.message });
    process.exit(0);
  });
}
