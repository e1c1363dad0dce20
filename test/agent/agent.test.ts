// The agent as a real process (`signet agent`) next to a real control plane (`signet server`):
// node attestation with a join token, the SPIFFE Workload API on a Unix socket with callers
// identified by their kernel credentials, SVIDs checked with openssl, and an agent that keeps
// serving while the control plane is down and resumes without attesting again when it returns.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Metadata } from '@grpc/grpc-js';
import { createGrpcClient, signetProtos, unaryCall, type RegistrarClient } from '@signet/platform';
import { SpiffeBundle, TrustDomain, splitDerCertificates } from '@signet/spiffe';
import { repoRoot, runSignet, spawnSignet, waitForEndpoints, type Spawned } from '../support/processes.js';

const TD = 'agent.test';
const AGENT_ID = `spiffe://${TD}/spire/agent/node-a`;
const UID = process.getuid?.() ?? 0;

interface EntryResults {
  results: Array<{ status: { code: number; message: string } | null; entry: { id: string } | null }>;
}

interface X509SvidResponse {
  svids: Array<{ spiffe_id: string; x509_svid: Buffer; x509_svid_key: Buffer; bundle: Buffer; hint: string }>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

function pem(der: Uint8Array): string {
  return new X509Certificate(der).toString();
}

function workloadMetadata(): Metadata {
  const md = new Metadata();
  md.set('workload.spiffe.io', 'true');
  return md;
}

/** The first FetchX509SVID message, or the call's error. */
function fetchX509(socket: string, metadata = workloadMetadata()): Promise<X509SvidResponse> {
  const client = createGrpcClient(signetProtos().workload, `unix://${socket}`);
  return new Promise<X509SvidResponse>((resolve, reject) => {
    const call = client.FetchX509SVID({}, metadata);
    call.on('data', (m: X509SvidResponse) => {
      resolve(m);
      call.cancel();
    });
    call.on('error', (err: { code: number }) => {
      if (err.code !== 1) reject(err);
    });
  }).finally(() => client.close());
}

/** Polls `fn` until it resolves, for up to `ms`. */
async function eventually<T>(fn: () => Promise<T>, ms = 20_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

async function createEntry(registrar: RegistrarClient, spiffeId: string): Promise<string> {
  const res = await unaryCall<{ results: Array<{ status: { code: number; message: string } | null; entry: { id: string } | null }> }>((cb) =>
    registrar.CreateEntries({ entries: [{ spiffe_id: spiffeId, parent_id: AGENT_ID, selectors: [{ type: 'unix', value: `uid:${UID}` }] }] }, cb),
  );
  assert.equal(res.results[0]?.status?.code, 0, res.results[0]?.status?.message);
  return res.results[0]!.entry!.id;
}

describe('signet agent: a node agent as its own process', () => {
  let serverDir = '';
  let agentDir = '';
  let server: Spawned;
  let agent: Spawned;
  let port = 0;
  let adminSocket = '';
  let agentSocket = '';

  const startServer = async () => {
    server = spawnSignet(['server', '--data-dir', serverDir, '--trust-domain', TD], { SIGNET_SERVER_PORT: String(port) });
    const ep = await waitForEndpoints<{ admin_socket: string }>(serverDir, server, 90_000);
    adminSocket = ep.admin_socket;
  };

  before(async () => {
    serverDir = await mkdtemp(join(tmpdir(), 'signet-agent-srv-'));
    agentDir = await mkdtemp(join(tmpdir(), 'signet-agent-node-'));
    port = await freePort();
    await startServer();
    const registrar = createGrpcClient(signetProtos().registrar, `unix://${adminSocket}`);
    try {
      const doc = await unaryCall<{ spiffe_json: string }>((cb) => registrar.GetLocalBundle({}, cb));
      const roots = SpiffeBundle.parse(TrustDomain.parse(TD), doc.spiffe_json).x509Authorities();
      const bundlePath = join(agentDir, 'server-bundle.pem');
      await writeFile(bundlePath, roots.map(pem).join(''));
      const token = await unaryCall<{ value: string }>((cb) => registrar.CreateJoinToken({ ttl: 600, agent_spiffe_id: AGENT_ID }, cb));
      agent = spawnSignet([
        'agent',
        '--data-dir', agentDir,
        '--trust-domain', TD,
        '--server-address', `127.0.0.1:${port}`,
        '--trust-bundle', bundlePath,
        '--join-token', token.value,
      ]);
      const ep = await waitForEndpoints<{ agent_socket: string; agent_spiffe_id: string }>(agentDir, agent, 60_000);
      assert.equal(ep.agent_spiffe_id, AGENT_ID);
      agentSocket = ep.agent_socket;
      assert.ok(!agent.output().stdout.includes(token.value), 'the join token never reaches a log line');
    } finally {
      registrar.close();
    }
  });

  after(async () => {
    agent?.child.kill('SIGTERM');
    server?.child.kill('SIGTERM');
    const [a, s] = await Promise.all([agent?.exited, server?.exited]);
    await rm(serverDir, { recursive: true, force: true });
    await rm(agentDir, { recursive: true, force: true });
    assert.equal(a, 0, agent?.output().stderr);
    assert.equal(s, 0, server?.output().stderr);
  });

  it('denies a caller that matches no entry, and refuses a call without the security header', async () => {
    await assert.rejects(fetchX509(agentSocket), (err: { code: number }) => err.code === 7); // PERMISSION_DENIED
    await assert.rejects(fetchX509(agentSocket, new Metadata()), (err: { code: number; details: string }) => err.code === 3 && /workload\.spiffe\.io/.test(err.details));
  });

  it('serves this process an X.509-SVID for its uid that openssl verifies against the bundle', async () => {
    const registrar = createGrpcClient(signetProtos().registrar, `unix://${adminSocket}`);
    try {
      await createEntry(registrar, `spiffe://${TD}/workload/uid-${UID}`);
    } finally {
      registrar.close();
    }
    const res = await eventually(() => fetchX509(agentSocket));
    assert.equal(res.svids.length, 1);
    const svid = res.svids[0]!;
    assert.equal(svid.spiffe_id, `spiffe://${TD}/workload/uid-${UID}`);
    const chain = splitDerCertificates(svid.x509_svid);
    const leaf = new X509Certificate(chain[0]!);
    assert.equal(leaf.subjectAltName, `URI:spiffe://${TD}/workload/uid-${UID}`);
    const dir = await mkdtemp(join(tmpdir(), 'signet-agent-verify-'));
    try {
      await writeFile(join(dir, 'svid.pem'), chain.map(pem).join(''));
      await writeFile(join(dir, 'bundle.pem'), splitDerCertificates(svid.bundle).map(pem).join(''));
      const out = execFileSync('openssl', ['verify', '-CAfile', join(dir, 'bundle.pem'), join(dir, 'svid.pem')], { encoding: 'utf8' });
      assert.match(out, /svid\.pem: OK/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    // The key is the leaf's: PKCS#8 DER, unencrypted.
    const { createPrivateKey, createPublicKey } = await import('node:crypto');
    const key = createPrivateKey({ key: svid.x509_svid_key, format: 'der', type: 'pkcs8' });
    assert.ok(createPublicKey(key).equals(leaf.publicKey));
  });

  it('fetches and validates a JWT-SVID, fetches the bundles and writes the SVID files through the workload commands', async () => {
    const socket = ['--socket', agentSocket];
    const jwt = await runSignet(['fetch', 'jwt', ...socket, '--audience', `spiffe://${TD}/db`]);
    assert.equal(jwt.code, 0, jwt.stderr);
    const token = jwt.stdout.trim();
    const valid = await runSignet(['validate', 'jwt', ...socket, '--audience', `spiffe://${TD}/db`, '--svid', token, '--output', 'json']);
    assert.equal(valid.code, 0, valid.stderr);
    const claims = JSON.parse(valid.stdout) as { spiffe_id: string; claims: { sub: string; aud: unknown } };
    assert.equal(claims.spiffe_id, `spiffe://${TD}/workload/uid-${UID}`);
    assert.equal(claims.claims.sub, `spiffe://${TD}/workload/uid-${UID}`);
    const wrongAudience = await runSignet(['validate', 'jwt', ...socket, '--audience', `spiffe://${TD}/other`, '--svid', token]);
    assert.equal(wrongAudience.code, 1);
    assert.match(wrongAudience.stderr, /audience/);

    const bundles = await runSignet(['fetch', 'bundles', ...socket, '--output', 'json']);
    assert.equal(bundles.code, 0, bundles.stderr);
    const parsed = JSON.parse(bundles.stdout) as Array<{ trust_domain: string; x509_authorities: string[]; jwt_keys: unknown[] }>;
    assert.equal(parsed[0]?.trust_domain, `spiffe://${TD}`);
    assert.ok(parsed[0]!.x509_authorities.length >= 1 && parsed[0]!.jwt_keys.length >= 1);

    const dir = await mkdtemp(join(tmpdir(), 'signet-agent-write-'));
    try {
      const written = await runSignet(['fetch', 'x509', ...socket, '--write', dir]);
      assert.equal(written.code, 0, written.stderr);
      assert.equal((await stat(join(dir, 'svid.0.key'))).mode & 0o777, 0o600);
      const out = execFileSync('openssl', ['verify', '-CAfile', join(dir, 'bundle.0.pem'), join(dir, 'svid.0.pem')], { encoding: 'utf8' });
      assert.match(out, /OK/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('lets two processes complete mutual TLS with only SDS-delivered material, and refuses a peer with another identity', async (t) => {
    if (UID !== 0) {
      t.skip('needs root to start the peers with their own gids (their identities differ by gid)');
      return;
    }
    const ids = { server: `spiffe://${TD}/mtls/server`, client: `spiffe://${TD}/mtls/client`, intruder: `spiffe://${TD}/mtls/intruder` };
    const gids = { server: 4101, client: 4102, intruder: 4103 };
    const registrar = createGrpcClient(signetProtos().registrar, `unix://${adminSocket}`);
    try {
      for (const role of ['server', 'client', 'intruder'] as const) {
        const selectors = [{ type: 'unix', value: `uid:${UID}` }, { type: 'unix', value: `gid:${gids[role]}` }];
        const created: EntryResults = await unaryCall<EntryResults>((cb) => registrar.CreateEntries({ entries: [{ spiffe_id: ids[role], parent_id: AGENT_ID, selectors }] }, cb));
        assert.equal(created.results[0]?.status?.code, 0, created.results[0]?.status?.message);
      }
    } finally {
      registrar.close();
    }
    const script = join(repoRoot, 'test', 'dist', 'agent', 'sds-peer.js');
    const run = (role: 'server' | 'client' | 'intruder', expected: string, port?: number) => {
      const child = spawn(process.execPath, [script, role === 'server' ? 'server' : 'client', agentSocket, ids[role], expected, ...(port ? [String(port)] : [])], { uid: UID, gid: gids[role], cwd: repoRoot });
      const lines: Array<Record<string, unknown>> = [];
      let buf = '';
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const first = new Promise<Record<string, unknown>>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          buf += d.toString();
          for (;;) {
            const nl = buf.indexOf('\n');
            if (nl < 0) break;
            lines.push(JSON.parse(buf.slice(0, nl)) as Record<string, unknown>);
            buf = buf.slice(nl + 1);
            resolve(lines[0]!);
          }
        });
        child.once('exit', (code) => (lines.length ? undefined : reject(new Error(`${role} exited ${code}: ${err}`))));
      });
      return { child, first };
    };
    const server = run('server', ids.client);
    try {
      const { listening } = (await server.first) as { listening: number };
      const client = await run('client', ids.server, listening).first;
      assert.equal(client.ok, true, JSON.stringify(client));
      assert.equal(client.reply, `hello ${ids.client}`);
      const intruder = await run('intruder', ids.server, listening).first;
      assert.equal(intruder.ok, false, 'the server refuses a peer with another SPIFFE ID');
      assert.match(String(intruder.error), new RegExp(`refused ${ids.intruder}`));
    } finally {
      server.child.kill();
    }
  });

  it('keeps serving while the control plane is down, and resumes without attesting again when it returns', async () => {
    const before = await fetchX509(agentSocket);
    server.child.kill('SIGTERM');
    assert.equal(await server.exited, 0, server.output().stderr);
    const during = await fetchX509(agentSocket);
    assert.deepEqual(during.svids[0]!.x509_svid, before.svids[0]!.x509_svid, 'the cached SVID is still served');

    await startServer();
    const registrar = createGrpcClient(signetProtos().registrar, `unix://${adminSocket}`);
    try {
      await createEntry(registrar, `spiffe://${TD}/workload/second`);
    } finally {
      registrar.close();
    }
    const after = await eventually(async () => {
      const res = await fetchX509(agentSocket);
      if (res.svids.length !== 2) throw new Error(`${res.svids.length} SVIDs so far`);
      return res;
    }, 60_000);
    assert.deepEqual(after.svids.map((s) => s.spiffe_id).sort(), [`spiffe://${TD}/workload/second`, `spiffe://${TD}/workload/uid-${UID}`]);
    const attested = agent.output().stdout.split('\n').filter((l) => l.includes('agent: node attested'));
    assert.equal(attested.length, 1, 'the agent attested once, at its first start');
  });
});
