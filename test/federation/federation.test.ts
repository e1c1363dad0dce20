// Two Signet deployments with different trust domains, federated both ways over https_spiffe:
// each fetches the other's bundle from its bundle endpoint, authenticating it with the bootstrap
// bundle and then with what it fetched. A workload of each completes mutual TLS with the other
// using only SDS-delivered material (the `ALL` validation context), a JWT-SVID of one validates
// in the other, and a CA rotation in one reaches the other within its refresh hint. A third
// deployment serves its bundle over https_web (a Web PKI certificate from files).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGrpcClient, signetProtos, unaryCall } from '@signet/platform';
import { JwtBundle, SpiffeBundle, TrustDomain } from '@signet/spiffe';
import { TestCa } from '@signet/spiffe/testing';
import { repoRoot, runSignet, spawnSignet, waitForEndpoints, type Spawned } from '../support/processes.js';

const UID = process.getuid?.() ?? 0;

interface Endpoints {
  trust_domain: string;
  admin_socket: string;
  agent_socket: string;
  agent_spiffe_id: string;
  bundle_endpoint_url: string;
  bundle_endpoint_spiffe_id?: string;
}

interface Deployment {
  readonly td: string;
  readonly dir: string;
  readonly proc: Spawned;
  readonly ep: Endpoints;
}

/** Polls `fn` until it returns a value (not undefined) or throws no more, for up to `ms`. */
async function eventually<T>(fn: () => Promise<T | undefined>, ms: number, what: string): Promise<T> {
  const until = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until) throw new Error(`${what}: not within ${ms} ms${last ? ` (${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('federation between two Signet deployments', () => {
  const deployments: Deployment[] = [];
  let a: Deployment;
  let b: Deployment;

  const start = async (td: string, extraArgs: string[] = [], env: Record<string, string> = {}): Promise<Deployment> => {
    const dir = await mkdtemp(join(tmpdir(), `signet-fed-${td}-`));
    const proc = spawnSignet(['dev', '--data-dir', dir, '--trust-domain', td, ...extraArgs], {
      SIGNET_SERVER_PORT: '0',
      // Fast refreshes: the bundles advertise a 2 s hint and fetchers honour hints down to 1 s.
      SIGNET_CA_REFRESH_HINT: '2s',
      SIGNET_FEDERATION_FETCH_MIN_REFRESH_INTERVAL: '1s',
      ...env,
    });
    const d = { td, dir, proc, ep: {} as Endpoints };
    deployments.push(d);
    (d as { ep: Endpoints }).ep = await waitForEndpoints<Endpoints>(dir, proc, 120_000);
    return d;
  };

  const registrar = (d: Deployment) => createGrpcClient(signetProtos().registrar, `unix://${d.ep.admin_socket}`);
  const localBundleJson = async (d: Deployment): Promise<string> => {
    const r = registrar(d);
    try {
      return (await unaryCall<{ spiffe_json: string }>((cb) => r.GetLocalBundle({}, cb))).spiffe_json;
    } finally {
      r.close();
    }
  };
  /** `from` federates with `to` over https_spiffe, bootstrapped with `to`'s current bundle. */
  const federate = async (from: Deployment, to: Deployment): Promise<void> => {
    const bundle = await localBundleJson(to);
    const r = registrar(from);
    try {
      await unaryCall((cb) =>
        r.CreateFederationRelationship(
          {
            relationship: { trust_domain: to.td, bundle_endpoint_url: to.ep.bundle_endpoint_url, bundle_endpoint_profile: 'https_spiffe', endpoint_spiffe_id: to.ep.bundle_endpoint_spiffe_id ?? '' },
            trust_domain_bundle: Buffer.from(bundle),
            trust_domain_bundle_format: 'spiffe',
          },
          cb,
        ),
      );
    } finally {
      r.close();
    }
  };
  const createEntry = async (d: Deployment, spiffeId: string, gid: number | undefined, federatesWith: string[]): Promise<void> => {
    const r = registrar(d);
    try {
      const selectors = [{ type: 'unix', value: `uid:${UID}` }, ...(gid === undefined ? [] : [{ type: 'unix', value: `gid:${gid}` }])];
      const res = await unaryCall<{ results: Array<{ status: { code: number; message: string } | null }> }>((cb) =>
        r.CreateEntries({ entries: [{ spiffe_id: spiffeId, parent_id: d.ep.agent_spiffe_id, selectors, federates_with: federatesWith }] }, cb),
      );
      assert.equal(res.results[0]?.status?.code, 0, res.results[0]?.status?.message);
    } finally {
      r.close();
    }
  };
  /** The federated bundle of `td` as `d` holds it (its X.509 authorities), when it holds one. */
  const federatedRoots = async (d: Deployment, td: string): Promise<number | undefined> => {
    const r = registrar(d);
    try {
      const doc = await unaryCall<{ spiffe_json: string }>((cb) => r.GetFederatedBundle({ trust_domain: td }, cb));
      return SpiffeBundle.parse(TrustDomain.parse(td), doc.spiffe_json).x509Authorities().length;
    } catch {
      return undefined;
    } finally {
      r.close();
    }
  };

  before(async () => {
    [a, b] = await Promise.all([start('one.test'), start('two.test')]);
    await federate(a, b);
    await federate(b, a);
  });

  after(async () => {
    for (const d of deployments) d.proc.child.kill('SIGTERM');
    const codes = await Promise.all(deployments.map((d) => d.proc.exited));
    for (const d of deployments) await rm(d.dir, { recursive: true, force: true });
    codes.forEach((code, i) => assert.equal(code, 0, deployments[i]?.proc.output().stderr));
  });

  it('fetches each other\'s bundle over https_spiffe and reports the relationship healthy', async () => {
    for (const [from, to] of [[a, b], [b, a]] as const) {
      const r = registrar(from);
      try {
        const rel = await eventually(
          async () => {
            const got = await unaryCall<{ health: { last_success_at: string; last_error: string; stale: boolean } | null }>((cb) => r.GetFederationRelationship({ trust_domain: to.td }, cb));
            return Number(got.health?.last_success_at ?? 0) > 0 ? got : undefined;
          },
          30_000,
          `${from.td} fetches ${to.td}`,
        );
        assert.equal(rel.health?.last_error, '');
        assert.equal(rel.health?.stale, false);
      } finally {
        r.close();
      }
    }
  });

  it('lets a workload of each trust domain complete mutual TLS with the other, with SDS material only', async (t) => {
    if (UID !== 0) {
      t.skip('needs root to start the workloads with their own gids');
      return;
    }
    await createEntry(a, 'spiffe://one.test/web', 4301, ['two.test']);
    await createEntry(b, 'spiffe://two.test/api', 4302, ['one.test']);
    const script = join(repoRoot, 'test', 'dist', 'agent', 'sds-peer.js');
    const run = (d: Deployment, gid: number, args: string[]) => {
      const child = spawn(process.execPath, [script, ...args], { uid: UID, gid, cwd: repoRoot });
      let out = '';
      let err = '';
      child.stderr.on('data', (x: Buffer) => (err += x.toString()));
      const first = new Promise<Record<string, unknown>>((resolve, reject) => {
        child.stdout.on('data', (x: Buffer) => {
          out += x.toString();
          const nl = out.indexOf('\n');
          if (nl >= 0) resolve(JSON.parse(out.slice(0, nl)) as Record<string, unknown>);
        });
        child.once('exit', (code) => reject(new Error(`peer on ${d.td} exited ${code}: ${err}`)));
      });
      return { child, first };
    };
    const server = run(a, 4301, ['server', a.ep.agent_socket, 'spiffe://one.test/web', 'spiffe://two.test/api', '', 'ALL']);
    try {
      const { listening } = (await server.first) as { listening: number };
      const client = await run(b, 4302, ['client', b.ep.agent_socket, 'spiffe://two.test/api', 'spiffe://one.test/web', String(listening), 'ALL']).first;
      assert.equal(client.ok, true, JSON.stringify(client));
      assert.equal(client.reply, 'hello spiffe://two.test/api');
    } finally {
      server.child.kill();
    }
  });

  it('validates in one trust domain a JWT-SVID issued in the other', async () => {
    await createEntry(a, 'spiffe://one.test/caller', undefined, ['two.test']);
    const jwt = await eventually(
      async () => {
        const r = await runSignet(['fetch', 'jwt', '--socket', a.ep.agent_socket, '--audience', 'spiffe://two.test/api', '--spiffe-id', 'spiffe://one.test/caller']);
        return r.code === 0 ? r.stdout.trim() : undefined;
      },
      20_000,
      'a JWT-SVID from one.test',
    );
    const valid = await eventually(
      async () => {
        const r = await runSignet(['validate', 'jwt', '--socket', b.ep.agent_socket, '--audience', 'spiffe://two.test/api', '--svid', jwt, '--output', 'json']);
        return r.code === 0 ? (JSON.parse(r.stdout) as { spiffe_id: string }) : undefined;
      },
      20_000,
      'two.test validates it',
    );
    assert.equal(valid.spiffe_id, 'spiffe://one.test/caller');
  });

  it('carries a CA rotation of one trust domain to the other within its refresh hint, pushing one update to each affected SDS stream', async (t) => {
    const before = await federatedRoots(b, 'one.test');
    assert.ok(before !== undefined && before >= 1);
    // A workload of two.test (the one that federates with one.test) follows its `ALL` validation context.
    let watcher: ReturnType<typeof spawn> | undefined;
    const updates: Array<{ update: number; roots: number }> = [];
    if (UID === 0) {
      watcher = spawn(process.execPath, [join(repoRoot, 'test', 'dist', 'agent', 'sds-peer.js'), 'watch', b.ep.agent_socket, 'ALL'], { uid: UID, gid: 4302, cwd: repoRoot });
      let buf = '';
      watcher.stdout!.on('data', (x: Buffer) => {
        buf += x.toString();
        for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
          updates.push(JSON.parse(buf.slice(0, nl)) as { update: number; roots: number });
          buf = buf.slice(nl + 1);
        }
      });
      await eventually(async () => (updates.length >= 1 ? true : undefined), 20_000, 'the ALL stream gets its first response');
    } else {
      t.diagnostic('not root: the SDS push count is not checked');
    }
    const ca = createGrpcClient(signetProtos().ca, `unix://${a.ep.admin_socket}`);
    try {
      await unaryCall((cb) => ca.PrepareAuthority({ kind: 'x509' }, cb));
    } finally {
      ca.close();
    }
    const startedAt = Date.now();
    const after = await eventually(async () => {
      const n = await federatedRoots(b, 'one.test');
      return n !== undefined && n > before! ? n : undefined;
    }, 20_000, 'two.test holds one.test\'s new root');
    assert.equal(after, before! + 1);
    assert.ok(Date.now() - startedAt < 20_000);
    if (watcher !== undefined) {
      try {
        await eventually(async () => (updates.length >= 2 ? true : undefined), 20_000, 'the ALL stream is pushed the new root');
        await new Promise((r) => setTimeout(r, 3_000));
        assert.equal(updates.length, 2, `exactly one push after the rotation: ${JSON.stringify(updates)}`);
        assert.equal(updates[1]!.roots, updates[0]!.roots + 1, 'the push carries one.test\'s new root');
      } finally {
        watcher.kill();
      }
    }
  });

  it('fetches a bundle served over https_web with a Web PKI certificate from files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'signet-fed-web-'));
    const cert = join(dir, 'web.pem');
    const key = join(dir, 'web.key');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
    const webConfig = join(dir, 'web.yaml');
    await writeFile(webConfig, `federation:\n  bundle_endpoint:\n    profile: https_web\n    port: 0\n    cert_file: ${cert}\n    key_file: ${key}\n`);
    const c = await start('three.test', ['--config', webConfig]);
    try {
      // one.test trusts that certificate's issuer (it is self-signed) for https_web fetches.
      const r = registrar(a);
      try {
        await unaryCall((cb) => r.CreateFederationRelationship({ relationship: { trust_domain: 'three.test', bundle_endpoint_url: c.ep.bundle_endpoint_url, bundle_endpoint_profile: 'https_web' } }, cb));
      } finally {
        r.close();
      }
      // one.test was started without that CA: the fetch fails with a certificate error, visibly.
      const failing = registrar(a);
      try {
        const rel = await eventually(
          async () => {
            const got = await unaryCall<{ health: { last_error: string } | null }>((cb) => failing.GetFederationRelationship({ trust_domain: 'three.test' }, cb));
            return got.health?.last_error ? got : undefined;
          },
          20_000,
          'one.test reports the untrusted https_web endpoint',
        );
        assert.match(rel.health!.last_error, /certificate|self[- ]signed|verify|trust/i);
      } finally {
        failing.close();
      }
      assert.equal(await federatedRoots(a, 'three.test'), undefined, 'nothing was stored from an endpoint it could not authenticate');
      // A deployment that trusts the certificate fetches it.
      const trustingConfig = join(dir, 'trusting.yaml');
      await writeFile(trustingConfig, `federation:\n  fetch:\n    extra_ca_files: [${cert}]\n    fetch_timeout: 2s\n`);
      const d = await start('four.test', ['--config', trustingConfig]);
      const r4 = registrar(d);
      try {
        await unaryCall((cb) => r4.CreateFederationRelationship({ relationship: { trust_domain: 'three.test', bundle_endpoint_url: c.ep.bundle_endpoint_url, bundle_endpoint_profile: 'https_web' } }, cb));
      } finally {
        r4.close();
      }
      const roots = await eventually(() => federatedRoots(d, 'three.test'), 20_000, 'four.test fetches three.test over https_web');
      assert.ok(roots >= 1);

      // Hostile endpoints (served with the same trusted certificate): after a good bundle, every
      // bad answer leaves that bundle in place and shows in the relationship's health.
      const five = TestCa.create('five.test');
      const good = SpiffeBundle.fromX509AndJwt(five.x509Bundle(), JwtBundle.empty(TrustDomain.parse('five.test')), { sequenceNumber: 5n, refreshHint: 3600 }).toJson();
      const intruder = TestCa.create('evil.test');
      const answers: Record<string, (res: import('node:http').ServerResponse) => void> = {
        good: (res) => res.end(good),
        invalid_json: (res) => res.end('{"keys": [ this is not json'),
        too_large: (res) => res.end(Buffer.alloc(2 * 1024 * 1024, 0x20)),
        lower_sequence: (res) => res.end(JSON.stringify({ ...JSON.parse(good), spiffe_sequence: 3 })),
        wrong_trust_domain: (res) => res.end(SpiffeBundle.fromX509AndJwt(intruder.x509Bundle(), JwtBundle.empty(TrustDomain.parse('evil.test')), { sequenceNumber: 9n }).toJson()),
        stalled: (res) => res.write('{"keys": ['),
      };
      let mode = 'good';
      const hostile = createHttpsServer({ cert: await readFile(cert), key: await readFile(key) }, (_req, res) => answers[mode]!(res));
      await new Promise<void>((resolve) => hostile.listen(0, '127.0.0.1', resolve));
      const url = `https://127.0.0.1:${(hostile.address() as { port: number }).port}/`;
      const r5 = registrar(d);
      try {
        await unaryCall((cb) => r5.CreateFederationRelationship({ relationship: { trust_domain: 'five.test', bundle_endpoint_url: url, bundle_endpoint_profile: 'https_web' } }, cb));
        await eventually(async () => ((await federatedRoots(d, 'five.test')) === 1 ? true : undefined), 20_000, 'four.test fetches the good bundle');
        const health = async () => (await unaryCall<{ health: { last_error: string; sequence_number: string } | null }>((cb) => r5.GetFederationRelationship({ trust_domain: 'five.test' }, cb))).health!;
        for (const [bad, expected] of [
          ['invalid_json', /invalid_bundle/],
          ['too_large', /too_large/],
          ['lower_sequence', /stale_sequence/],
          ['wrong_trust_domain', /wrong_trust_domain|invalid_bundle/],
          ['stalled', /timeout/],
        ] as const) {
          mode = bad;
          await unaryCall((cb) => r5.RefreshFederationRelationship({ trust_domain: 'five.test' }, cb));
          const h = await eventually(async () => {
            const got = await health();
            return expected.test(got.last_error) ? got : undefined;
          }, 30_000, `four.test reports the ${bad} answer`);
          assert.equal(h.sequence_number, '5', `${bad}: the good bundle's sequence is kept`);
          const held = SpiffeBundle.parse(TrustDomain.parse('five.test'), (await unaryCall<{ spiffe_json: string }>((cb) => r5.GetFederatedBundle({ trust_domain: 'five.test' }, cb))).spiffe_json);
          assert.deepEqual(held.x509Authorities().map((x) => Buffer.from(x).toString('base64')), [Buffer.from(five.certificate).toString('base64')], `${bad}: the good bundle stays`);
        }
      } finally {
        r5.close();
        hostile.closeAllConnections();
        hostile.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
