#!/usr/bin/env node
// Builds the native addons with the system C compiler and Node's own headers: no node-gyp, no
// downloads, no npm install scripts.
// - services/agent/native/peercred.c: the agent's peer credentials (Linux only; required there).
// - services/spiffe/native/ecverify.c: ECDSA P-256 verification from a raw point, against the
//   OpenSSL that Node exports (optional: without it, CSR checks use node:crypto, more slowly).
// Usage: node scripts/build-native.mjs   (rebuilds an addon only when its .c is newer than its .node)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const shown = (p) => relative(root, p);

/** The addons; `needs` lists headers (under Node's include dir) without which an optional one is skipped. */
const ADDONS = [
  { name: 'peercred', dir: 'services/agent/native', required: true, needs: ['node_api.h'] },
  { name: 'ecverify', dir: 'services/spiffe/native', required: false, needs: ['node_api.h', 'openssl/ec.h'] },
];

if (process.platform !== 'linux') {
  console.log(`build-native: skipped on ${process.platform} (the agent's peer-credentials addon is Linux-only; CSR checks use node:crypto)`);
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

const compiler = process.env.CC || 'cc';
const include = nodeIncludeDir();

for (const addon of ADDONS) {
  const source = join(root, addon.dir, `${addon.name}.c`);
  const output = join(root, addon.dir, 'build', `${addon.name}.node`);
  if (!existsSync(source)) fail(`${shown(source)} is missing`);
  if (existsSync(output) && statSync(output).mtimeMs >= statSync(source).mtimeMs) continue;
  const missing = addon.needs.filter((h) => !existsSync(join(include, h)));
  if (missing.length > 0) {
    if (addon.required) fail(`${missing.join(', ')} not found in ${include}`);
    console.log(`build-native: ${addon.name} skipped (${missing.join(', ')} not found in ${include}); CSR checks use node:crypto`);
    continue;
  }
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
}
