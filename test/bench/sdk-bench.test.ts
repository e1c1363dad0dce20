/**
 * The SDK benchmark, run briefly (`--quick`) as `run-bench.mjs` runs it: it must set up valid
 * fixtures (it checks them itself), measure every operation and print a complete `sdk` section.
 * Figures are not judged here: quick rounds on a shared machine say nothing about the goals.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const benchFile = fileURLToPath(new URL('../../../bench/dist/sdk.bench.js', import.meta.url));

const OPERATIONS = [
  /`SpiffeId\.parse`, 24 chars/,
  /`SpiffeId\.parse`, 1\d\d chars/,
  /`mint`, public key as SPKI DER, reused/,
  /`mint`, fresh key per leaf/,
  /`mint`, fresh `KeyObject` per leaf/,
  /`parseCsr` \(verifies it\) \+ `mint`/,
  /`mintAsync`, 64 in flight/,
  /`verifyX509Svid`, leaf \+ intermediate/,
  /`mintJwtSvid` ES256/,
  /`parseAndValidateJwtSvid` ES256/,
];

describe('bench/sdk.bench.js --quick', () => {
  it('prints one complete sdk section with a rate and a ratio for every operation', { timeout: 120_000 }, () => {
    assert.ok(existsSync(benchFile), 'bench/dist/sdk.bench.js is missing: build the bench project first (make build)');
    const res = spawnSync(process.execPath, ['--expose-gc', benchFile, '--quick'], { encoding: 'utf8' });
    assert.equal(res.status, 0, res.stderr);
    const out = res.stdout;
    assert.equal(out.match(/<!-- bench:[a-z0-9._-]+ -->/g)?.length, 1, 'exactly one section');
    assert.ok(out.startsWith('<!-- bench:sdk -->\n') && out.endsWith('<!-- /bench:sdk -->\n'), 'the section is all it prints');
    assert.match(out, /<!-- goals: [0-2]\/2 met -->/);

    const rows = out.split('\n').filter((l) => /^\| (SPIFFE ID|X\.509-SVID mint|X\.509-SVID verify|JWT-SVID) \|/.test(l));
    assert.equal(rows.length, OPERATIONS.length, `one row per operation:\n${rows.join('\n')}`);
    OPERATIONS.forEach((op, i) => {
      const cells = rows[i]!.split(' | ');
      assert.match(cells[1] ?? '', op, `row ${i + 1} is ${op}`);
      for (const rate of [cells[2], cells[4]]) assert.match(rate ?? '', /^[1-9][\d,]*\/s$/, `row ${i + 1} has positive rates`);
      assert.match(cells[5] ?? '', /^\*\*\d+(\.\d)?%\*\*$/, `row ${i + 1} has a ratio`);
    });
    assert.match(out, /\| `mintAsync`, 64 in flight \| [\d.]+ (µs|ms) \| [\d.]+ (µs|ms) \|/, 'latency of the concurrent case');
  });
});
