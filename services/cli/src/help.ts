import type { Command } from './command.js';

/** Renders `signet <command> --help`. */
export function commandHelp(cmd: Command): string {
  const pos = (cmd.positionals ?? []).map((p) => (p.required ? `<${p.name}>` : `[${p.name}]`)).join(' ');
  const lines = [`Usage: signet ${cmd.path.join(' ')}${cmd.flags || cmd.printsData ? ' [flags]' : ''}${pos ? ` ${pos}` : ''}`, '', cmd.summary];
  if (cmd.description) lines.push('', cmd.description);
  if (cmd.positionals?.length) {
    lines.push('', 'Arguments:');
    for (const p of cmd.positionals) lines.push(`  ${p.name.padEnd(24)} ${p.description}`);
  }
  const flags = Object.entries(cmd.flags ?? {});
  lines.push('', 'Flags:');
  for (const [name, f] of flags) {
    const left = `${f.short ? `-${f.short}, ` : ''}--${name}${f.type === 'string' ? ` ${f.value ?? 'VALUE'}` : ''}`;
    const extra = [f.multiple ? 'repeatable' : '', f.default !== undefined && f.default !== false ? `default ${String(f.default)}` : '']
      .filter(Boolean)
      .join(', ');
    lines.push(`  ${left.padEnd(32)} ${f.description}${extra ? ` (${extra})` : ''}`);
  }
  if (cmd.printsData) lines.push(`  ${'-o, --output FORMAT'.padEnd(32)} table or json (default table)`);
  lines.push(`  ${'-h, --help'.padEnd(32)} show this help`);
  if (cmd.examples?.length) {
    lines.push('', 'Examples:');
    for (const e of cmd.examples) lines.push(`  ${e}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Renders `signet --help`: every command with its summary, grouped by first word. */
export function rootHelp(commands: readonly Command[]): string {
  const lines = [
    'signet: SPIFFE workload identity for Envoy service meshes',
    '',
    'Usage: signet <command> [flags]',
    '',
    'Commands:',
  ];
  for (const c of [...commands].sort((a, b) => a.path.join(' ').localeCompare(b.path.join(' ')))) {
    lines.push(`  ${c.path.join(' ').padEnd(28)} ${c.summary}`);
  }
  lines.push('', "Run 'signet <command> --help' for the flags of a command.");
  return `${lines.join('\n')}\n`;
}
