import { checkConfigFile, formatProblem } from '@signet/platform';
import { CommandError, type Command } from '../command.js';
import { printData } from '../output.js';
import { signetConfigSchema } from '../runtime/load-config.js';

/** `signet config check FILE`: validates a config file and lists every problem. */
export const configCheckCommand: Command = {
  path: ['config', 'check'],
  summary: 'Validate a config file and list every problem in it',
  description: 'Exit code 0 when the file is valid, 1 when it has problems (each with its key path, what was expected and what was found).',
  positionals: [{ name: 'FILE', description: 'the YAML config file', required: true }],
  printsData: true,
  examples: ['signet config check /etc/signet/signet.yaml', 'signet config check signet.yaml --output json'],
  async run(ctx) {
    const file = ctx.positionals[0]!;
    const problems = checkConfigFile(file, signetConfigSchema);
    const data = { file, valid: problems.length === 0, problems: problems.map((p) => ({ ...p, text: formatProblem(p) })) };
    if (ctx.output === 'json') {
      printData(ctx.stdout, 'json', data, () => '');
      return problems.length === 0 ? 0 : 1;
    }
    if (problems.length === 0) {
      ctx.stdout.write(`${file}: valid\n`);
      return 0;
    }
    for (const p of problems) ctx.stderr.write(`${formatProblem(p)}\n`);
    throw new CommandError(`${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}`);
  },
};
