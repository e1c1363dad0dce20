import { readFileSync } from 'node:fs';
import type { Command } from '../command.js';
import { printData } from '../output.js';

/** The version of this build, from the CLI package manifest. */
export function signetVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export const versionCommand: Command = {
  path: ['version'],
  summary: 'Print the version of signet and of Node.js',
  printsData: true,
  async run(ctx) {
    const data = { signet: signetVersion(), node: process.versions.node, openssl: process.versions.openssl };
    printData(ctx.stdout, ctx.output, data, (d) => `signet ${d.signet} (node ${d.node}, openssl ${d.openssl})`);
  },
};
