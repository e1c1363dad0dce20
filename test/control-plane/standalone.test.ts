// Each control-plane service as its own process on one Postgres: `signet ca`, `signet attestation`
// (which has agent SVIDs signed by the CA over mTLS, with a server SVID it requested through the
// datastore) and `signet registrar`; then a real agent attests through the attestation process,
// follows entries created through the registrar process, and gets SVIDs from the CA process.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Metadata } from '@grpc/grpc-js';
import pg from 'pg';
import { probeTestPostgres, testDatabaseUrl } from '@signet/datastore';
import { createGrpcClient, signetProtos, unaryCall } from '@signet/platform';
import { SpiffeBundle, TrustDomain } from '@signet/spiffe';
import { spawnSignet, waitForEndpoints, type Spawned } from '../support/processes.js';

const TD = 'standalone.test';
const AGENT_ID = `spiffe://${TD}/spire/agent/node-sa`;
const UID = process.getuid?.() ?? 0;

interface Running {
  readonly proc: Spawned;
  readonly dir: string;
  readonly ep: Record<string, string>;
}

describe('the control-plane services as separate processes on one Postgres', () => {
  const probe = probeTestPostgres();
  const dbName = `signet_sa_${randomBytes(4).toString('hex')}`;
  let dbUrl = '';
  const running: Running[] = [];

  const start = async (args: string[], env: Record<string, string>): Promise<Running> => {
    const dir = await mkdtemp(join(tmpdir(), `signet-sa-${args[0]}-`));
    const proc = spawnSignet([...args, '--data-dir', dir, '--trust-domain', TD], { SIGNET_SERVER_PORT: '0', ...env });
    const r = { proc, dir, ep: {} as Record<string, string> };
    running.push(r);
    r.ep = await waitForEndpoints<Record<string, string>>(dir, proc, 90_000);
    return r;
  };

  before(async () => {
    const p = await probe;
    if (!p.available) {
      if (process.env.CI) throw new Error(p.reason);
      return;
    }
    const admin = new pg.Client({ connectionString: testDatabaseUrl() });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dbName}`);
    await admin.end();
    const url = new URL(testDatabaseUrl());
    url.pathname = `/${dbName}`;
    dbUrl = url.toString();
  });

  after(async () => {
    for (const r of running.reverse()) r.proc.child.kill('SIGTERM');
    const codes = await Promise.all(running.map((r) => r.proc.exited));
    for (const r of running) await rm(r.dir, { recursive: true, force: true });
    if (dbUrl !== '') {
      const admin = new pg.Client({ connectionString: testDatabaseUrl() });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await admin.end();
    }
    codes.forEach((code, i) => assert.equal(code, 0, running[i]?.proc.output().stderr));
  });

  it('runs CA, attestation and registrar apart, and an agent gets its workload an SVID through them', async (t) => {
    if (dbUrl === '') {
      t.skip('Postgres is not reachable');
      return;
    }
    const db = { SIGNET_DATABASE_URL: dbUrl };
    const ca = await start(['ca'], db);
    assert.ok(ca.ep.ca_endpoint, 'the CA serves over TLS');
    const [attestation, registrar] = await Promise.all([start(['attestation'], { ...db, SIGNET_SERVER_CA_ADDRESS: ca.ep.ca_endpoint! }), start(['registrar'], db)]);
    assert.equal(attestation.ep.server_spiffe_id, `spiffe://${TD}/spire/server`);

    const admin = createGrpcClient(signetProtos().registrar, `unix://${registrar.ep.admin_socket}`);
    let token: string;
    let bundlePath: string;
    try {
      const doc = await unaryCall<{ spiffe_json: string }>((cb) => admin.GetLocalBundle({}, cb));
      const roots = SpiffeBundle.parse(TrustDomain.parse(TD), doc.spiffe_json).x509Authorities();
      bundlePath = join(registrar.dir, 'bundle.pem');
      await writeFile(bundlePath, roots.map((d) => new X509Certificate(d).toString()).join(''));
      token = (await unaryCall<{ value: string }>((cb) => admin.CreateJoinToken({ ttl: 600, agent_spiffe_id: AGENT_ID }, cb))).value;
      const created = await unaryCall<{ results: Array<{ status: { code: number; message: string } | null }> }>((cb) =>
        admin.CreateEntries({ entries: [{ spiffe_id: `spiffe://${TD}/sa/workload`, parent_id: AGENT_ID, selectors: [{ type: 'unix', value: `uid:${UID}` }] }] }, cb),
      );
      assert.equal(created.results[0]?.status?.code, 0, created.results[0]?.status?.message);
    } finally {
      admin.close();
    }

    const agent = await start(
      ['agent', '--server-address', attestation.ep.agent_endpoint!, '--trust-bundle', bundlePath, '--join-token', token],
      { SIGNET_AGENT_CA_ADDRESS: ca.ep.ca_endpoint! },
    );
    assert.equal(agent.ep.agent_spiffe_id, AGENT_ID);
    const wl = createGrpcClient(signetProtos().workload, `unix://${agent.ep.agent_socket}`);
    try {
      const md = new Metadata();
      md.set('workload.spiffe.io', 'true');
      const res = await new Promise<{ svids: Array<{ spiffe_id: string }> }>((resolve, reject) => {
        const call = wl.FetchX509SVID({}, md);
        call.on('data', (m: { svids: Array<{ spiffe_id: string }> }) => {
          resolve(m);
          call.cancel();
        });
        call.on('error', (e: { code: number }) => (e.code === 1 ? undefined : reject(e)));
      });
      assert.deepEqual(res.svids.map((s) => s.spiffe_id), [`spiffe://${TD}/sa/workload`]);
    } finally {
      wl.close();
    }
    // The attestation and registrar processes got their server SVIDs from the CA through the datastore.
    const check = new pg.Client({ connectionString: dbUrl });
    await check.connect();
    try {
      const { rows } = await check.query<{ service: string; signed: boolean }>('SELECT service, cert_chain IS NOT NULL AS signed FROM server_svid_requests ORDER BY service');
      assert.deepEqual([...new Set(rows.filter((r) => r.signed).map((r) => r.service))].sort(), ['attestation', 'registrar']);
    } finally {
      await check.end();
    }
  });
});
