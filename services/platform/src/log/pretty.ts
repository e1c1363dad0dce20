/**
 * The `pretty` log format: one human-readable line per record, built from the JSON line so
 * that it shows exactly what the JSON format would (already scrubbed).
 * @module
 */

const HIDDEN = new Set(['time', 'level', 'msg', 'service', 'pid', 'hostname', 'err']);

function renderValue(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value) ?? String(value);
}

/**
 * Turns one JSON log line into `TIME LEVEL [service] message key=value …`, with an error's
 * stack indented on the following lines. Text that is not a JSON object passes through.
 *
 * @example
 * ```ts
 * formatPrettyLine('{"level":"info","time":"2025-01-01T00:00:00.000Z","service":"ca","msg":"ready","port":8080}\n');
 * // '2025-01-01T00:00:00.000Z INFO  [ca] ready port=8080\n'
 * ```
 */
export function formatPrettyLine(json: string): string {
  let record: unknown;
  try {
    record = JSON.parse(json);
  } catch {
    return json;
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return json;
  const fields = record as Record<string, unknown>;
  const time = typeof fields['time'] === 'number' ? new Date(fields['time']).toISOString() : String(fields['time'] ?? '');
  const level = String(fields['level'] ?? '').toUpperCase().padEnd(5);
  const service = fields['service'] === undefined ? '' : `[${String(fields['service'])}] `;
  let line = `${time} ${level} ${service}${fields['msg'] === undefined ? '' : String(fields['msg'])}`;
  for (const [key, value] of Object.entries(fields)) {
    if (!HIDDEN.has(key)) line += ` ${key}=${renderValue(value)}`;
  }
  const err = fields['err'];
  if (typeof err === 'object' && err !== null) {
    const e = err as Record<string, unknown>;
    const text = typeof e['stack'] === 'string' ? e['stack'] : `${String(e['type'] ?? 'Error')}: ${String(e['message'] ?? '')}`;
    line += `\n    ${text.split('\n').join('\n    ')}`;
  } else if (err !== undefined) {
    line += ` err=${renderValue(err)}`;
  }
  return `${line}\n`;
}
