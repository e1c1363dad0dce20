import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseProcStartTime, readProcStartTime } from './proc-stat.js';

/** A stat line whose fields after `comm` are `state ppid … starttime …`, with starttime (field 22) set to `start`. */
function statLine(comm: string, start: string): string {
  const after = ['S', '1', '100', '100', '0', '-1', '4194560', '1000', '0', '0', '0', '5', '3', '0', '0', '20', '0', '1', '0', start, '123456', '789'];
  return `4242 (${comm}) ${after.join(' ')}\n`;
}

describe('parseProcStartTime', () => {
  const cases: { name: string; text: string; expected: string | undefined }[] = [
    { name: 'a plain command name', text: statLine('node', '987654'), expected: '987654' },
    { name: 'a command name with spaces', text: statLine('my worker', '11'), expected: '11' },
    { name: 'a command name with parentheses and a fake field list', text: statLine('a) S 1 2 (b', '42'), expected: '42' },
    { name: 'a command name that is only ")"', text: statLine(')', '7'), expected: '7' },
    { name: 'a line cut short before field 22', text: '4242 (node) S 1 100 100', expected: undefined },
    { name: 'a non-numeric start time', text: statLine('node', 'x12'), expected: undefined },
    { name: 'no parentheses at all', text: '4242 node S 1 2 3', expected: undefined },
    { name: 'an empty file', text: '', expected: undefined },
  ];
  for (const c of cases) {
    test(`reads ${c.name}`, () => {
      assert.equal(parseProcStartTime(c.text), c.expected);
    });
  }
});

describe('readProcStartTime', () => {
  test('gives the same start time for this process every time', () => {
    const first = readProcStartTime(process.pid);
    assert.match(first ?? '', /^\d+$/);
    assert.equal(readProcStartTime(process.pid), first);
  });

  test('gives nothing for a pid with no process', () => {
    assert.equal(readProcStartTime(2 ** 22 + 12_345), undefined);
  });
});
