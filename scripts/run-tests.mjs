#!/usr/bin/env node
// Runs every compiled test file with Node's built-in test runner and prints its summary.
// Usage: node scripts/run-tests.mjs [filter...]   (filters are substrings of test file paths)
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);

function walk(dir, out) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

const files = [];
for (const pkg of readdirSync(join(root, 'services'))) walk(join(root, 'services', pkg, 'dist'), files);
walk(join(root, 'test', 'dist'), files);
const selected = files
  .map((f) => relative(root, f))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
if (selected.length === 0) {
  console.error('run-tests: no compiled test files found; run `make build` first');
  process.exit(1);
}
const concurrency = Math.max(2, availableParallelism());
const args = ['--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...selected];
const res = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } });
process.exit(res.status ?? 1);
