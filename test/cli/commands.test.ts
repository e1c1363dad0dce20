// The `signet` CLI as a user runs it: help, version, config check, exit codes.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSignet } from '../support/processes.js';

describe('signet CLI', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'signet-cli-'));
    await writeFile(join(dir, 'good.yaml'), 'trust_domain: prod.example.com\nlog:\n  level: debug\nhealth:\n  port: 0\n');
    await writeFile(join(dir, 'bad.yaml'), 'trust_domain: Prod.Example\nhealth:\n  port: "many"\nlogg: {}\n');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('lists its commands with --help and exits 0', async () => {
    const r = await runSignet(['--help']);
    assert.equal(r.code, 0);
    for (const c of ['server', 'config check', 'version']) assert.match(r.stdout, new RegExp(`\\n  ${c}\\s`));
  });

  it('gives every command a --help', async () => {
    for (const args of [['server'], ['config', 'check'], ['version']]) {
      const r = await runSignet([...args, '--help']);
      assert.equal(r.code, 0, args.join(' '));
      assert.match(r.stdout, new RegExp(`^Usage: signet ${args.join(' ')}`));
    }
  });

  it('prints its version as JSON', async () => {
    const r = await runSignet(['version', '--output', 'json']);
    assert.equal(r.code, 0);
    const v = JSON.parse(r.stdout) as { signet: string; node: string };
    assert.match(v.signet, /^\d+\.\d+\.\d+/);
    assert.equal(v.node, process.versions.node);
  });

  it('accepts a valid config file', async () => {
    const r = await runSignet(['config', 'check', join(dir, 'good.yaml')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /good\.yaml: valid/);
  });

  it('lists every problem of an invalid config file with its key path and exits 1', async () => {
    const r = await runSignet(['config', 'check', join(dir, 'bad.yaml')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /trust_domain.*lowercase/);
    assert.match(r.stderr, /health\.port: expected an integer/);
    assert.match(r.stderr, /logg.*unknown key.*did you mean "log"/i);
    assert.match(r.stderr, /signet: error: .*3 problems/);
  });

  it('reports problems as JSON with --output json', async () => {
    const r = await runSignet(['config', 'check', join(dir, 'bad.yaml'), '-o', 'json']);
    assert.equal(r.code, 1);
    const doc = JSON.parse(r.stdout) as { valid: boolean; problems: Array<{ path: string; line?: number }> };
    assert.equal(doc.valid, false);
    assert.deepEqual(doc.problems.map((p) => p.path).sort(), ['health.port', 'logg', 'trust_domain']);
    assert.ok(doc.problems.every((p) => typeof p.line === 'number'), 'each problem has its line');
  });

  it('names a missing config file', async () => {
    const r = await runSignet(['config', 'check', join(dir, 'nope.yaml')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /nope\.yaml/);
  });

  it('exits 2 with a hint on an unknown command', async () => {
    const r = await runSignet(['frobnicate']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown command "frobnicate"/);
  });
});

describe('shipped configuration', () => {
  for (const file of ['deploy/config/signet.yaml', 'deploy/config/agent.yaml']) {
    it(`accepts the example production config ${file}`, async () => {
      const r = await runSignet(['config', 'check', file]);
      assert.equal(r.code, 0, r.stderr);
    });
  }

  it('names the key and the rule when the agent section is wrong', async () => {
    const { mkdtemp, writeFile, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = await mkdtemp(join(tmpdir(), 'signet-agent-config-'));
    try {
      const file = join(dir, 'agent.yaml');
      await writeFile(file, 'agent:\n  node_attestor: magic\n  sds:\n    bundle_first_timeout: 5m\n');
      const r = await runSignet(['config', 'check', file]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /agent\.node_attestor/);
      assert.match(r.stderr, /agent\.sds\.bundle_first_timeout/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
