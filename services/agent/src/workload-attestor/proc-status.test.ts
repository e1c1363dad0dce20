import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { effectiveId, parseProcStatus, type ProcIds } from './proc-status.js';

describe('parseProcStatus', () => {
  const cases: { name: string; text: string; expected: ProcIds }[] = [
    {
      name: 'the id lines of a real status file',
      text: 'Name:\tnode\nUmask:\t0022\nState:\tS (sleeping)\nUid:\t1000\t1001\t1002\t1003\nGid:\t100\t101\t102\t103\nFDSize:\t64\nGroups:\t4 24 27 \nNStgid:\t42\n',
      expected: { uids: [1000, 1001, 1002, 1003], gids: [100, 101, 102, 103], groups: [4, 24, 27] },
    },
    {
      name: 'an empty Groups line',
      text: 'Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nGroups:\t\n',
      expected: { uids: [0, 0, 0, 0], gids: [0, 0, 0, 0], groups: [] },
    },
    {
      name: 'a file without id lines',
      text: 'Name:\tkthreadd\nState:\tS (sleeping)\n',
      expected: { uids: [], gids: [], groups: [] },
    },
    {
      name: 'malformed values, which are dropped rather than misread',
      text: 'Uid:\t1000\t-1\tabc\t4294967296\nGid:\t5\nGroups:\t7 x 8\n',
      expected: { uids: [1000], gids: [5], groups: [7, 8] },
    },
    {
      name: 'lines that only start like id lines',
      text: 'Uidx:\t5 5 5 5\nNGid:\t9\nGroups:\t3\n',
      expected: { uids: [], gids: [], groups: [3] },
    },
    {
      name: 'the largest uid the kernel allows',
      text: 'Uid:\t4294967295\t4294967295\t0\t0\n',
      expected: { uids: [4294967295, 4294967295, 0, 0], gids: [], groups: [] },
    },
  ];
  for (const c of cases) {
    test(`reads ${c.name}`, () => {
      assert.deepEqual(parseProcStatus(c.text), c.expected);
    });
  }
});

describe('effectiveId', () => {
  const cases: { ids: number[]; expected: number | undefined }[] = [
    { ids: [1000, 0, 1000, 0], expected: 0 },
    { ids: [1000, 1001], expected: 1001 },
    { ids: [7], expected: 7 },
    { ids: [], expected: undefined },
  ];
  for (const c of cases) {
    test(`is ${String(c.expected)} for [${c.ids.join(', ')}] (the second id: the effective one)`, () => {
      assert.equal(effectiveId(c.ids), c.expected);
    });
  }
});
