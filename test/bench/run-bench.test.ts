/**
 * `scripts/run-bench.mjs` run as a program over fake benchmarks: which sections it records, and
 * that rerunning one benchmark (or a failing one) never erases another's figures.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const runBench = join(repoRoot, 'scripts', 'run-bench.mjs');

/** Source of a fake benchmark that prints section `id` with `body`, surrounded by stray output, then runs `after`. */
function fakeBench(id: string, body: string, after = ''): string {
  return [
    "process.stderr.write('progress\\n');",
    "process.stdout.write('STRAY-OUTPUT before\\n');",
    `process.stdout.write(${JSON.stringify(`<!-- bench:${id} -->\n## ${id}\n\n${body}\n`)} + 'quick=' + process.argv.includes('--quick') + '\\n' + ${JSON.stringify(`<!-- /bench:${id} -->\n`)});`,
    "process.stdout.write('STRAY-OUTPUT after\\n');",
    after,
  ].join('\n');
}

/** A temporary benchmark directory holding `files`, and the output path inside it. */
function workspace(files: Record<string, string>): { dir: string; out: string; write: (name: string, src: string) => void; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'signet-run-bench-'));
  const write = (name: string, src: string): void => writeFileSync(join(dir, name), src);
  for (const [name, src] of Object.entries(files)) write(name, src);
  return { dir, out: join(dir, 'BENCHMARKS.md'), write, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

function run(args: string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [runBench, ...args], { cwd: repoRoot, encoding: 'utf8' });
}

/** The text of section `id` in `doc`, markers included, or undefined. */
function section(doc: string, id: string): string | undefined {
  const start = doc.indexOf(`<!-- bench:${id} -->`);
  const endMarker = `<!-- /bench:${id} -->`;
  const end = doc.indexOf(endMarker);
  return start === -1 || end === -1 ? undefined : doc.slice(start, end + endMarker.length);
}

describe('scripts/run-bench.mjs', () => {
  it('runs every *.bench.js and writes each section, without the stray output around it, under a header', () => {
    const ws = workspace({ 'alpha.bench.js': fakeBench('alpha', 'alpha v1'), 'beta.bench.js': fakeBench('beta', 'beta v1'), 'helper.js': 'throw new Error("not a benchmark")' });
    try {
      const res = run(['--dir', ws.dir, '--out', ws.out]);
      assert.equal(res.status, 0, res.stderr);
      const doc = readFileSync(ws.out, 'utf8');
      assert.match(doc, /^# Benchmarks\n/);
      assert.match(doc, /node scripts\/run-bench\.mjs sdk/);
      assert.match(doc, /\| Node \| v\d+\.\d+\.\d+ \|/);
      assert.match(section(doc, 'alpha') ?? '', /alpha v1\nquick=false/);
      assert.match(section(doc, 'beta') ?? '', /beta v1/);
      assert.ok(doc.indexOf('<!-- bench:alpha -->') < doc.indexOf('<!-- bench:beta -->'), 'sections in name order');
      assert.doesNotMatch(doc, /STRAY-OUTPUT/);
    } finally {
      ws.cleanup();
    }
  });

  it('rerunning one benchmark replaces its section in place and keeps the others byte for byte', () => {
    const ws = workspace({ 'alpha.bench.js': fakeBench('alpha', 'alpha v1'), 'beta.bench.js': fakeBench('beta', 'beta v1') });
    try {
      assert.equal(run(['--dir', ws.dir, '--out', ws.out]).status, 0);
      const betaBefore = section(readFileSync(ws.out, 'utf8'), 'beta');
      ws.write('alpha.bench.js', fakeBench('alpha', 'alpha v2'));
      ws.write('beta.bench.js', fakeBench('beta', 'beta v2'));
      const res = run(['--dir', ws.dir, '--out', ws.out, 'alpha']);
      assert.equal(res.status, 0, res.stderr);
      const doc = readFileSync(ws.out, 'utf8');
      assert.match(section(doc, 'alpha') ?? '', /alpha v2/);
      assert.doesNotMatch(doc, /alpha v1/);
      assert.equal(section(doc, 'beta'), betaBefore);
      assert.ok(doc.indexOf('<!-- bench:alpha -->') < doc.indexOf('<!-- bench:beta -->'), 'alpha keeps its place');
      assert.equal(doc.split('<!-- bench:alpha -->').length, 2, 'alpha appears once');
    } finally {
      ws.cleanup();
    }
  });

  it('appends the section of a new benchmark after the existing ones', () => {
    const ws = workspace({ 'zeta.bench.js': fakeBench('zeta', 'zeta v1') });
    try {
      assert.equal(run(['--dir', ws.dir, '--out', ws.out]).status, 0);
      ws.write('alpha.bench.js', fakeBench('alpha', 'alpha v1'));
      assert.equal(run(['--dir', ws.dir, '--out', ws.out, 'alpha.bench.js']).status, 0);
      const doc = readFileSync(ws.out, 'utf8');
      assert.ok(doc.indexOf('<!-- bench:zeta -->') < doc.indexOf('<!-- bench:alpha -->'));
    } finally {
      ws.cleanup();
    }
  });

  it('fails the run, and keeps the previous figures, when a benchmark exits with an error', () => {
    const ws = workspace({ 'alpha.bench.js': fakeBench('alpha', 'alpha v1'), 'beta.bench.js': fakeBench('beta', 'beta v1') });
    try {
      assert.equal(run(['--dir', ws.dir, '--out', ws.out]).status, 0);
      ws.write('alpha.bench.js', fakeBench('alpha', 'alpha v2'));
      ws.write('beta.bench.js', fakeBench('beta', 'beta broken', 'process.exit(3);'));
      const res = run(['--dir', ws.dir, '--out', ws.out]);
      assert.equal(res.status, 1);
      assert.match(res.stderr, /beta\.bench\.js: exit code 3/);
      const doc = readFileSync(ws.out, 'utf8');
      assert.match(section(doc, 'beta') ?? '', /beta v1/);
      assert.doesNotMatch(doc, /beta broken/);
      assert.match(section(doc, 'alpha') ?? '', /alpha v2/, 'the benchmarks that succeeded are recorded');
    } finally {
      ws.cleanup();
    }
  });

  it('fails the run when a benchmark prints no section', () => {
    const ws = workspace({ 'silent.bench.js': 'console.log("no markers here")' });
    try {
      const res = run(['--dir', ws.dir, '--out', ws.out]);
      assert.equal(res.status, 1);
      assert.match(res.stderr, /silent\.bench\.js: printed no/);
      assert.equal(existsSync(ws.out), false);
    } finally {
      ws.cleanup();
    }
  });

  it('refuses an unknown benchmark name, listing the known ones', () => {
    const ws = workspace({ 'alpha.bench.js': fakeBench('alpha', 'alpha v1') });
    try {
      const res = run(['--dir', ws.dir, '--out', ws.out, 'nope']);
      assert.equal(res.status, 2);
      assert.match(res.stderr, /no benchmark "nope".*available: alpha/);
    } finally {
      ws.cleanup();
    }
  });

  it('summarises the goals each section records', () => {
    const ws = workspace({
      'alpha.bench.js': fakeBench('alpha', '<!-- goals: 1/2 met -->'),
      'beta.bench.js': fakeBench('beta', '<!-- goals: 3/3 met -->'),
      'gamma.bench.js': fakeBench('gamma', 'no goals'),
    });
    try {
      const res = run(['--dir', ws.dir, '--out', ws.out]);
      assert.equal(res.status, 0, res.stderr);
      const doc = readFileSync(ws.out, 'utf8');
      assert.match(doc, /\| `alpha` \| 1 of 2 \| \*\*no\*\* \|/);
      assert.match(doc, /\| `beta` \| 3 of 3 \| yes \|/);
      assert.doesNotMatch(doc, /\| `gamma` \|/);
    } finally {
      ws.cleanup();
    }
  });

  it('--quick passes --quick to the benchmarks and prints their sections instead of writing a file', () => {
    const ws = workspace({ 'alpha.bench.js': fakeBench('alpha', 'alpha v1') });
    const repoDoc = join(repoRoot, 'BENCHMARKS.md');
    const before = existsSync(repoDoc) ? statSync(repoDoc).mtimeMs : undefined;
    try {
      const res = run(['--dir', ws.dir, '--quick']);
      assert.equal(res.status, 0, res.stderr);
      assert.match(res.stdout, /<!-- bench:alpha -->[\s\S]*quick=true\n<!-- \/bench:alpha -->/);
      assert.equal(existsSync(ws.out), false);
      assert.equal(existsSync(repoDoc) ? statSync(repoDoc).mtimeMs : undefined, before, 'the repository BENCHMARKS.md is untouched');
    } finally {
      ws.cleanup();
    }
  });
});
