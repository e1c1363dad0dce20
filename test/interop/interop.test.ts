// Interoperability with independent Go client stacks: `signet dev` runs for real, and two Go
// programs built from test/interop/go talk to its agent socket:
// - spiffe-check uses go-spiffe v2 (the reference Workload API client);
// - sds-check is an Envoy SDS v3 client built from go-control-plane's generated Envoy API and
//   grpc-go (SotW, Delta and Fetch, with ACK/NACK semantics and pushed rotations).
// Skipped (with a message) only when no `go` toolchain is found; the first build downloads the Go
// modules through the Go module proxy, later builds use the module cache.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { createGrpcClient, signetProtos, unaryCall } from '@signet/platform';
import { repoRoot, spawnSignet, waitForEndpoints, type Spawned } from '../support/processes.js';

interface Endpoints {
  agent_socket: string;
  agent_spiffe_id: string;
  admin_socket: string;
  server_spiffe_id: string;
  trust_domain: string;
}

/** One JSON line printed by the Go programs. */
interface CheckLine {
  check: string;
  ok: boolean;
  error?: string;
  [field: string]: unknown;
}

interface GoRun {
  code: number | string;
  stdout: string;
  stderr: string;
  lines: CheckLine[];
}

interface Authority {
  id: string;
  key_id: string;
  state: string;
}

interface EntryResults {
  results: Array<{ status: { code: number; message: string } | null; entry: { id: string } | null }>;
}

/** What a gRPC client's unary method returns (the call handle). */
type UnaryCallHandle = ReturnType<Parameters<typeof unaryCall>[0]>;

const TD = 'interop.test';
const WORKLOAD_ID = `spiffe://${TD}/go-workload`;
const GO_MODULE = join(repoRoot, 'test', 'interop', 'go');

/** The `go` executable: $GO, then PATH, then the usual install location; undefined if none. */
function findGo(): string | undefined {
  const candidates = [process.env.GO, ...(process.env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => join(d, 'go')), '/usr/local/go/bin/go'];
  for (const c of candidates) {
    if (!c) continue;
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      // next
    }
  }
  return undefined;
}

const goBin = findGo();

/** Parses the JSON lines of a Go program's stdout (non-JSON lines are kept out). */
function parseLines(stdout: string): CheckLine[] {
  const out: CheckLine[] = [];
  for (const line of stdout.split('\n')) {
    const t = line.trim();
    if (!t.startsWith('{')) continue;
    try {
      out.push(JSON.parse(t) as CheckLine);
    } catch {
      // ignore
    }
  }
  return out;
}

/** Runs a program to completion; never rejects on a non-zero exit. */
function run(file: string, args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs: number }): Promise<GoRun> {
  return new Promise((resolve) => {
    execFile(file, [...args], { cwd: opts.cwd, env: opts.env, timeout: opts.timeoutMs, maxBuffer: 16 << 20, killSignal: 'SIGKILL' }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : (err.signal ?? String(err.code ?? 'error'));
      resolve({ code, stdout, stderr, lines: parseLines(stdout) });
    });
  });
}

/** A short description of a run for assertion messages. */
function describeRun(r: GoRun): string {
  return `exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`;
}

/** The line of `check`, asserted present and ok. */
function okLine(r: GoRun, check: string): CheckLine {
  const line = r.lines.find((l) => l.check === check);
  assert.ok(line, `no "${check}" line; ${describeRun(r)}`);
  assert.equal(line.ok, true, `"${check}" failed: ${line.error ?? ''}; ${describeRun(r)}`);
  return line;
}

describe('interop: Go clients (go-spiffe v2, go-control-plane SDS) against the Signet agent', { skip: goBin === undefined ? 'go toolchain not found (set GO or put go on PATH); Go interop tests skipped' : false }, () => {
  let dataDir = '';
  let binDir = '';
  let proc: Spawned | undefined;
  let ep: Endpoints;
  let spiffeCheck = '';
  let sdsCheck = '';
  let entryId = '';
  const protos = signetProtos();
  const children = new Set<ChildProcess>();
  let registrar: ReturnType<typeof createGrpcClient<typeof protos.registrar>> | undefined;
  let ca: ReturnType<typeof createGrpcClient<typeof protos.ca>> | undefined;

  const spiffe = (args: readonly string[], timeoutMs = 30_000): Promise<GoRun> => run(spiffeCheck, ['-socket', `unix://${ep.agent_socket}`, ...args], { timeoutMs });
  const sds = (scenario: string, args: readonly string[] = [], timeoutMs = 30_000): Promise<GoRun> =>
    run(sdsCheck, ['-socket', ep.agent_socket, '-scenario', scenario, '-expect-id', WORKLOAD_ID, ...args], { timeoutMs });

  /** An admin call over the admin socket. */
  function admin<Res>(service: 'registrar' | 'ca', method: string, req: unknown): Promise<Res> {
    const client = (service === 'registrar' ? registrar : ca) as unknown as Record<string, (req: unknown, cb: (err: unknown, res?: Res) => void) => UnaryCallHandle>;
    return unaryCall<Res>((cb) => client[method]!.call(client, req, cb as (err: unknown, res?: Res) => void));
  }

  /** Starts sds-check wait-rotation; resolves `ready` with its first line, `done` with the whole run. */
  function startWaitRotation(timeout: string): { ready: Promise<CheckLine>; done: Promise<GoRun> } {
    const child = spawn(sdsCheck, ['-socket', ep.agent_socket, '-scenario', 'wait-rotation', '-expect-id', WORKLOAD_ID, '-timeout', timeout, '-settle', '1500ms'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    let stdout = '';
    let stderr = '';
    let resolveReady!: (l: CheckLine) => void;
    let rejectReady!: (e: Error) => void;
    const ready = new Promise<CheckLine>((res, rej) => ((resolveReady = res), (rejectReady = rej)));
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      const first = parseLines(stdout)[0];
      if (first !== undefined) resolveReady(first);
    });
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const done = new Promise<GoRun>((resolve) =>
      child.on('exit', (code, signal) => {
        children.delete(child);
        const r: GoRun = { code: code ?? signal ?? -1, stdout, stderr, lines: parseLines(stdout) };
        rejectReady(new Error(`sds-check wait-rotation ended before its first line; ${describeRun(r)}`));
        resolve(r);
      }),
    );
    return { ready, done };
  }

  before(
    async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'signet-interop-'));
      binDir = await mkdtemp(join(tmpdir(), 'signet-interop-bin-'));
      // Build the Go programs (the first build downloads modules) while Signet starts.
      const env: NodeJS.ProcessEnv = { ...process.env, GOFLAGS: '-mod=mod -buildvcs=false', GOTOOLCHAIN: 'local', CGO_ENABLED: '0' };
      const build = run(goBin!, ['build', '-o', binDir + '/', './cmd/...'], { cwd: GO_MODULE, env, timeoutMs: 300_000 });
      proc = spawnSignet(['dev', '--data-dir', dataDir, '--trust-domain', TD], { SIGNET_SERVER_PORT: '0' });
      const [built, endpoints] = await Promise.all([build, waitForEndpoints<Endpoints>(dataDir, proc, 60_000)]);
      assert.equal(built.code, 0, `go build failed: ${describeRun(built)}`);
      ep = endpoints;
      registrar = createGrpcClient(protos.registrar, `unix://${ep.admin_socket}`);
      ca = createGrpcClient(protos.ca, `unix://${ep.admin_socket}`);
      spiffeCheck = join(binDir, 'spiffe-check');
      sdsCheck = join(binDir, 'sds-check');
    },
    { timeout: 330_000 },
  );

  after(async () => {
    for (const c of children) c.kill('SIGKILL');
    registrar?.close();
    ca?.close();
    let code: number | string | undefined;
    if (proc !== undefined) {
      proc.child.kill('SIGTERM');
      code = await proc.exited;
    }
    await rm(dataDir, { recursive: true, force: true });
    await rm(binDir, { recursive: true, force: true });
    if (proc !== undefined) assert.equal(code, 0, proc.output().stderr);
  });

  it('dev writes the endpoints the tests rely on', () => {
    assert.equal(ep.trust_domain, TD);
    assert.equal(ep.server_spiffe_id, `spiffe://${TD}/spire/server`);
    assert.match(ep.agent_spiffe_id, new RegExp(`^spiffe://${TD.replace('.', '\\.')}/`));
    assert.ok(ep.agent_socket.startsWith('/') && ep.admin_socket.startsWith('/'), JSON.stringify(ep));
  });

  it('go-spiffe: a caller without a registration entry is denied (PermissionDenied)', async () => {
    const r = await spiffe(['-expect-denied']);
    assert.equal(r.code, 0, describeRun(r));
    assert.equal(okLine(r, 'x509_denied').code, 'PermissionDenied');
    assert.equal(okLine(r, 'jwt_denied').code, 'PermissionDenied');
  });

  it('go-spiffe: X.509 context, bundles, JWT-SVID (validated locally and remotely) and a watch', { timeout: 60_000 }, async () => {
    const created = await admin<EntryResults>('registrar', 'CreateEntries', {
      entries: [{ spiffe_id: WORKLOAD_ID, parent_id: ep.agent_spiffe_id, selectors: [{ type: 'unix', value: `uid:${process.getuid!()}` }] }],
    });
    assert.equal(created.results[0]?.status?.code, 0, created.results[0]?.status?.message);
    entryId = created.results[0]!.entry!.id;

    // Issuance is asynchronous: retry until the agent serves the entry.
    const deadline = Date.now() + 15_000;
    let r: GoRun;
    for (;;) {
      r = await spiffe(['-expect-id', WORKLOAD_ID]);
      if (r.code === 0 || Date.now() > deadline) break;
      await new Promise((res) => setTimeout(res, 250));
    }
    assert.equal(r.code, 0, describeRun(r));
    const x509 = okLine(r, 'x509');
    assert.equal(x509.spiffe_id, WORKLOAD_ID);
    assert.equal(x509.verified_chains, 1);
    assert.deepEqual(x509.bundle_trust_domains, [TD]);
    const bundles = okLine(r, 'x509_bundles');
    assert.deepEqual(bundles.trust_domains, [TD]);
    assert.ok((bundles.authorities as number) >= 1);
    assert.equal(okLine(r, 'jwt_svid').spiffe_id, WORKLOAD_ID);
    assert.equal(okLine(r, 'jwt_validate_local').spiffe_id, WORKLOAD_ID);
    const remote = okLine(r, 'jwt_validate_remote');
    assert.equal(remote.spiffe_id, WORKLOAD_ID);
    assert.equal(remote.wrong_audience_code, 'InvalidArgument');
    const watch = okLine(r, 'watch_x509');
    assert.equal(watch.spiffe_id, WORKLOAD_ID);
    assert.equal(watch.serial, x509.serial, 'the watch starts with the SVID that FetchX509Context returned');
  });

  it('SDS SotW: SVID, ACK, silence; ROOTCA added on the same stream, NACKed, no resend', async () => {
    const r = await sds('sotw');
    assert.equal(r.code, 0, describeRun(r));
    const svid = okLine(r, 'sotw_svid');
    assert.deepEqual(svid.resources, ['default']);
    okLine(r, 'sotw_ack_quiet');
    const bundle = okLine(r, 'sotw_bundle');
    assert.ok((bundle.resources as string[]).includes('ROOTCA'), describeRun(r));
    assert.ok(bundle.form === 'spiffe_validator' || bundle.form === 'trusted_ca', describeRun(r));
    if (bundle.form === 'spiffe_validator') assert.deepEqual(bundle.trust_domains, [TD]);
    assert.notEqual(bundle.nonce, svid.nonce);
    okLine(r, 'sotw_nack_quiet');
  });

  it('SDS Delta: subscribe, ACK, silence; unsubscribe, silence', async () => {
    const r = await sds('delta');
    assert.equal(r.code, 0, describeRun(r));
    const svid = okLine(r, 'delta_svid');
    assert.deepEqual(svid.resources, ['default']);
    assert.ok((svid.versions as string[])[0], 'a per-resource version');
    assert.ok(svid.nonce, 'a nonce');
    okLine(r, 'delta_ack_quiet');
    okLine(r, 'delta_unsubscribe_quiet');
  });

  it('SDS Fetch: the SVID with a version', async () => {
    const r = await sds('fetch');
    assert.equal(r.code, 0, describeRun(r));
    const svid = okLine(r, 'fetch_svid');
    assert.deepEqual(svid.resources, ['default']);
    assert.ok(svid.version_info);
  });

  // Activating a new X.509 authority changes the signer only: SVIDs already issued stay valid and
  // are renewed on their own schedule (as with SPIRE). The agent re-issues at once when the entry
  // changes, and the re-issued SVID comes from the new authority.
  let activated: Authority | undefined;
  let previousKeyId = '';
  it('SDS push: after a CA rotation, a re-issued SVID reaches an open stream as exactly one update', { timeout: 60_000 }, async () => {
    const watcher = startWaitRotation('20s');
    const initial = await watcher.ready;
    assert.equal(initial.check, 'rotation_initial');
    if (!initial.ok) assert.fail(describeRun(await watcher.done));
    previousKeyId = initial.issuer_key_id as string;

    const prepared = await admin<Authority>('ca', 'PrepareAuthority', { kind: 'x509' });
    assert.equal(prepared.state, 'prepared');
    activated = await admin<Authority>('ca', 'ActivateAuthority', { kind: 'x509', id: '' });
    assert.equal(activated.state, 'active');
    assert.equal(activated.id, prepared.id);
    assert.notEqual(activated.key_id, previousKeyId);
    // Give a spurious push (the bundle changed twice) a chance to show before the entry changes:
    // sds-check fails on any update that does not carry a new certificate.
    await new Promise((res) => setTimeout(res, 500));

    const updated = await admin<EntryResults>('registrar', 'UpdateEntries', {
      updates: [{ entry: { id: entryId, dns_names: ['go-workload.interop.test'] }, mask: { dns_names: true } }],
    });
    assert.equal(updated.results[0]?.status?.code, 0, updated.results[0]?.status?.message);

    const r = await watcher.done;
    assert.equal(r.code, 0, describeRun(r));
    const upd = okLine(r, 'rotation_update');
    assert.notEqual(upd.fingerprint, upd.previous_fingerprint);
    assert.equal(upd.previous_issuer_key_id, previousKeyId);
    assert.equal(upd.issuer_key_id, activated.key_id, 'the new SVID is signed by the activated authority');
    assert.equal(r.lines.filter((l) => l.check === 'rotation_update').length, 1);
  });

  // The documented way to force re-issuance (docs/control-plane.md: "taint the old one (agents
  // re-issue what it signed)"): the bundle agents receive names the tainted authority.
  it(
    'SDS push: tainting the authority that signed the SVID makes the agent re-issue it (one update)',
    { timeout: 60_000 },
    async () => {
      assert.ok(activated, 'needs the previous test');
      const watcher = startWaitRotation('8s');
      const initial = await watcher.ready;
      if (!initial.ok) assert.fail(describeRun(await watcher.done));
      assert.equal(initial.issuer_key_id, activated.key_id);
      await admin<Authority>('ca', 'PrepareAuthority', { kind: 'x509' });
      const next = await admin<Authority>('ca', 'ActivateAuthority', { kind: 'x509', id: '' });
      const tainted = await admin<Authority>('ca', 'TaintAuthority', { kind: 'x509', id: activated.id });
      assert.equal(tainted.state, 'tainted');
      const r = await watcher.done;
      assert.equal(r.code, 0, describeRun(r));
      const upd = okLine(r, 'rotation_update');
      assert.equal(upd.issuer_key_id, next.key_id);
    },
  );
});
