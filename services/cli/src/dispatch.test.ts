import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { dispatch } from './dispatch.js';
import { CommandError, type Command } from './command.js';
import { printData } from './output.js';

function io() {
  const out = { stdout: '', stderr: '' };
  const w = (k: 'stdout' | 'stderr') =>
    new Writable({
      write(c: Buffer, _e, cb) {
        out[k] += c.toString();
        cb();
      },
    });
  return { out, io: { stdout: w('stdout'), stderr: w('stderr'), env: {}, signal: new AbortController().signal } };
}

const calls: unknown[] = [];
const commands: Command[] = [
  {
    path: ['thing', 'list'],
    summary: 'List things',
    printsData: true,
    flags: { limit: { type: 'string', description: 'how many', value: 'N' }, tag: { type: 'string', description: 'a tag', multiple: true } },
    async run(ctx) {
      calls.push(ctx.flags);
      printData(ctx.stdout, ctx.output, [{ name: 'a', n: 1 }], (d) => ({ columns: ['NAME', 'N'], rows: d.map((x) => [x.name, x.n]) }));
    },
  },
  {
    path: ['thing', 'fail'],
    summary: 'Fails',
    positionals: [{ name: 'ID', description: 'which', required: true }],
    async run() {
      throw new CommandError('thing "x" not found\nsecond line');
    },
  },
];

describe('CLI dispatcher', () => {
  const cases: Array<{ name: string; argv: string[]; code: number; stdout?: RegExp; stderr?: RegExp }> = [
    { name: 'prints the root help with --help', argv: ['--help'], code: 0, stdout: /thing list\s+List things/ },
    { name: 'prints the root help and exits 2 with no command', argv: [], code: 2, stdout: /Usage: signet <command>/ },
    { name: 'prints a command help with --help', argv: ['thing', 'list', '--help'], code: 0, stdout: /--limit N\s+how many[\s\S]*--output FORMAT/ },
    { name: 'prints a group help for a bare group word', argv: ['thing'], code: 2, stdout: /thing fail/ },
    { name: 'rejects an unknown command', argv: ['nope'], code: 2, stderr: /unknown command "nope"/ },
    { name: 'rejects an unknown flag naming it', argv: ['thing', 'list', '--bogus'], code: 2, stderr: /--bogus.*signet thing list --help/ },
    { name: 'rejects a bad --output value', argv: ['thing', 'list', '-o', 'xml'], code: 2, stderr: /--output must be "table" or "json"/ },
    { name: 'rejects a missing positional', argv: ['thing', 'fail'], code: 2, stderr: /missing argument <ID>/ },
    { name: 'rejects an extra positional', argv: ['thing', 'list', 'extra'], code: 2, stderr: /unexpected argument "extra"/ },
    { name: 'prints a table by default', argv: ['thing', 'list'], code: 0, stdout: /^NAME\s+N\na\s+1\n$/ },
    { name: 'prints JSON with --output json', argv: ['thing', 'list', '--output', 'json'], code: 0, stdout: /"name": "a"/ },
    { name: 'reports a failure on one line with exit 1', argv: ['thing', 'fail', 'x'], code: 1, stderr: /^signet: error: thing "x" not found; second line\n$/ },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const { out, io: streams } = io();
      const code = await dispatch(commands, c.argv, streams);
      assert.equal(code, c.code, `stderr: ${out.stderr}`);
      if (c.stdout) assert.match(out.stdout, c.stdout);
      if (c.stderr) assert.match(out.stderr, c.stderr);
    });
  }

  it('passes repeatable flags as arrays', async () => {
    calls.length = 0;
    const { io: streams } = io();
    await dispatch(commands, ['thing', 'list', '--tag', 'a', '--tag', 'b', '--limit', '3'], streams);
    assert.deepEqual(calls[0], { limit: '3', tag: ['a', 'b'] });
  });
});
