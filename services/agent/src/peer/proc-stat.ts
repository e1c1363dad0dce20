/**
 * The start time of a process, from `/proc/<pid>/stat`: with the pid, it names one process for
 * the life of the machine (a reused pid gets a later start time).
 * @module
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Index of `starttime` (field 22 of proc(5)) among the fields after the `comm` field (which is field 2). */
const START_TIME_INDEX = 22 - 3;

/**
 * The `starttime` field (clock ticks since boot, as a decimal string) of the text of a
 * `/proc/<pid>/stat` file, or `undefined` when the text is not one. The `comm` field is in
 * parentheses and may itself contain spaces and parentheses, so fields are counted from after the
 * last `)`.
 */
export function parseProcStartTime(stat: string): string | undefined {
  const close = stat.lastIndexOf(')');
  if (close < 0 || stat.indexOf('(') < 0) return undefined;
  const fields = stat.slice(close + 1).trim().split(/\s+/);
  const value = fields[START_TIME_INDEX];
  return value !== undefined && /^\d+$/.test(value) ? value : undefined;
}

/**
 * The start time of process `pid` under `procRoot` (default `/proc`), or `undefined` when there
 * is no such process. Synchronous: the file is tiny and served from kernel memory.
 */
export function readProcStartTime(pid: number, procRoot = '/proc'): string | undefined {
  let text: string;
  try {
    text = readFileSync(join(procRoot, String(pid), 'stat'), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ESRCH') return undefined;
    throw err;
  }
  return parseProcStartTime(text);
}
