// `signet server` as a real process: starts on embedded PGlite with no config, becomes ready,
// serves health and metrics, writes endpoints.json, and stops cleanly on SIGTERM.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat, access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSignet, waitForEndpoints } from '../support/processes.js';

interface Endpoints {
  trust_domain: string;
  pid: number;
  health: { live: string; ready: string };
  metrics?: string;
  database: { engine: string };
}

describe('signet server', () => {
  const dirs: string[] = [];
  after(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('runs with no config on embedded PGlite, serves health and metrics, and stops on SIGTERM', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'signet-server-'));
    dirs.push(dataDir);
    const proc = spawnSignet(['server', '--data-dir', dataDir, '--trust-domain', 'test.example']);
    try {
      const ep = await waitForEndpoints<Endpoints>(dataDir, proc, 90_000);
      assert.equal(ep.trust_domain, 'test.example');
      assert.equal(ep.database.engine, 'pglite');
      assert.equal(ep.pid, proc.child.pid);
      const live = await fetch(ep.health.live);
      assert.equal(live.status, 200);
      const ready = await fetch(ep.health.ready);
      assert.equal(ready.status, 200);
      const body = (await ready.json()) as { status: string; checks: Record<string, unknown> };
      assert.equal(body.status, 'ok');
      assert.ok('database' in body.checks, 'the readiness check covers the database');
      assert.ok(ep.metrics, 'a metrics endpoint is listed');
      const metrics = await (await fetch(ep.metrics!)).text();
      assert.match(metrics, /target_info\{[^}]*service_name="signet"/);
      assert.match(metrics, /spiffe_trust_domain="test.example"/);
      const dirMode = (await stat(dataDir)).mode & 0o777;
      assert.equal(dirMode & 0o077, 0, `data dir must not be group/world accessible (mode ${dirMode.toString(8)})`);
      await access(join(dataDir, 'pgdata'));
    } finally {
      proc.child.kill('SIGTERM');
    }
    assert.equal(await proc.exited, 0, proc.output().stderr);
    await assert.rejects(access(join(dataDir, 'endpoints.json')), 'endpoints.json is removed at shutdown');
    const lines = proc.output().stdout.trim().split('\n').map((l) => JSON.parse(l) as { msg: string; service: string });
    assert.ok(lines.some((l) => l.msg === 'signet server ready'));
    assert.ok(lines.every((l) => l.service === 'server'));
  });

  it('restarts on the same data directory and keeps its database', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'signet-server-'));
    dirs.push(dataDir);
    for (let i = 0; i < 2; i++) {
      const proc = spawnSignet(['server', '--data-dir', dataDir]);
      const ep = await waitForEndpoints<Endpoints>(dataDir, proc, 90_000);
      assert.equal((await fetch(ep.health.ready)).status, 200);
      proc.child.kill('SIGTERM');
      assert.equal(await proc.exited, 0, proc.output().stderr);
    }
  });

  it('refuses an invalid trust domain flag with a one-line reason and exit code 1', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'signet-server-'));
    dirs.push(dataDir);
    const proc = spawnSignet(['server', '--data-dir', dataDir, '--trust-domain', 'Bad.Domain']);
    assert.equal(await proc.exited, 1);
    const { stderr } = proc.output();
    assert.match(stderr, /^signet: error: .*trust_domain.*lowercase/);
    assert.equal(stderr.trim().split('\n').length, 1, `one line expected, got: ${stderr}`);
  });
});
