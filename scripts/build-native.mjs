#!/usr/bin/env node
// Builds the agent's peer-credentials addon (services/agent/native/peercred.c) with the system C
// compiler and Node's own headers: no node-gyp, no downloads, no npm install scripts.
// Usage: node scripts/build-native.mjs   (rebuilds only when the .c is newer than the .node)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const source = join(root, 'services/agent/native/peercred.c');
const output = join(root, 'services/agent/native/build/peercred.node');
const shown = (p) => relative(root, p);

if (process.platform !== 'linux') {
  console.log(`build-native: skipped on ${process.platform} (the agent's peer-credentials addon is Linux-only)`);
  process.exit(0);
}

function fail(message) {
  console.error(`build-native: ${message}`);
  process.exit(1);
}

/** The directory holding node_api.h: `<prefix>/include/node` of this Node, else of its configured prefix. */
function nodeIncludeDir() {
  const candidates = [
    join(dirname(dirname(process.execPath)), 'include', 'node'),
    join(String(process.config?.variables?.node_prefix ?? '/usr'), 'include', 'node'),
  ];
  const found = candidates.find((dir) => existsSync(join(dir, 'node_api.h')));
  if (found === undefined) {
    fail(`Node's C headers (node_api.h) were not found in ${candidates.join(' or ')}; install them (Debian: apt-get install libnode-dev, or use a Node.js tarball, which ships include/node)`);
  }
  return found;
}

function upToDate() {
  if (!existsSync(output)) return false;
  return statSync(output).mtimeMs >= statSync(source).mtimeMs;
}

if (!existsSync(source)) fail(`${shown(source)} is missing`);
if (upToDate()) process.exit(0);

const compiler = process.env.CC || 'cc';
const include = nodeIncludeDir();
mkdirSync(dirname(output), { recursive: true });
const args = ['-O2', '-shared', '-fPIC', '-Wall', `-I${include}`, '-o', output, source];
const result = spawnSync(compiler, args, { stdio: 'inherit' });
if (result.error !== undefined) {
  const code = /** @type {NodeJS.ErrnoException} */ (result.error).code;
  if (code === 'ENOENT') fail(`no C compiler: \`${compiler}\` was not found (install one: apt-get install gcc, or set CC)`);
  fail(`could not run ${compiler}: ${result.error.message}`);
}
if (result.status !== 0) fail(`${compiler} failed (exit ${result.status ?? result.signal}) compiling ${shown(source)}`);
console.log(`build-native: built ${shown(output)}`);
