/**
 * Reading the YAML config file, keeping enough of the document to point problems at the
 * line and column they come from.
 * @module
 */
import { readFileSync } from 'node:fs';
import { LineCounter, isMap, isPair, isScalar, isSeq, parseDocument, type Node } from 'yaml';
import type { ConfigProblem } from './errors.js';
import type { Path } from './schema/index.js';

const READ_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'file not found',
  EACCES: 'permission denied',
  EISDIR: 'it is a directory',
};

/** A parsed config file. */
export interface YamlFile {
  /** The file name as given. */
  readonly name: string;
  /** The plain data (an empty file is an empty mapping). */
  readonly data: unknown;
  /** The 1-based line and column of the value (or key) at `path`, as far as it exists. */
  locate(path: Path, pointAt?: 'key' | 'value'): { line: number; column: number } | undefined;
}

/** The result of reading a config file: the file, or the problems that stopped it being read. */
export type YamlReadResult =
  | { readonly ok: true; readonly file: YamlFile }
  | { readonly ok: false; readonly problems: readonly ConfigProblem[] };

/** Reads and parses a YAML config file; I/O and syntax errors become problems. */
export function readYamlFile(name: string): YamlReadResult {
  let text: string;
  try {
    text = readFileSync(name, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = (code !== undefined ? READ_ERRORS[code] : undefined) ?? code ?? (err as Error).message;
    const problem = { path: '', message: `cannot read the config file (${reason})`, source: 'file', file: name } as const;
    return { ok: false, problems: [problem] };
  }
  return parseYamlText(text, name);
}

/** Parses YAML config text; `name` is used in problems. */
export function parseYamlText(text: string, name: string): YamlReadResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((err) => {
        const pos = lineCounter.linePos(err.pos[0]);
        return {
          path: '',
          message: `invalid YAML: ${err.message.split('\n')[0] ?? err.code}`,
          source: 'file' as const,
          file: name,
          line: pos.line,
          column: pos.col,
        };
      }),
    };
  }
  const data: unknown = doc.toJS({ maxAliasCount: 100 }) ?? {};
  const locate = (path: Path, pointAt: 'key' | 'value' = 'value') => {
    let node: unknown = doc.contents;
    let offset: number | undefined = rangeStart(node);
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment));
        if (pair === undefined) break;
        const keyOffset = rangeStart(pair.key);
        node = pair.value;
        offset = segment === path[path.length - 1] && pointAt === 'key' ? keyOffset : (rangeStart(node) ?? keyOffset);
      } else if (isSeq(node) && typeof segment === 'number') {
        const item: unknown = node.items[segment];
        if (item === undefined) break;
        node = item;
        offset = rangeStart(node) ?? offset;
      } else {
        break;
      }
    }
    if (offset === undefined) return undefined;
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  return { ok: true, file: { name, data, locate } };
}

function rangeStart(node: unknown): number | undefined {
  if (node === null || typeof node !== 'object' || !('range' in node)) return undefined;
  const range = (node as Node).range;
  return range?.[0];
}
