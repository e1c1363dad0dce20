#!/usr/bin/env node
// The `signet` command. The implementation is compiled TypeScript in ../dist (run `make build`).
import { main } from '../dist/main.js';

main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`signet: error: ${err && err.message ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
