/**
 * Structural redaction of logged values at any depth: secret keys are replaced, strings are
 * scrubbed, errors become plain objects with scrubbed messages and stacks.
 * @module
 */
import { isSecretKey } from './secret-keys.js';
import { REDACTED, type SecretRegistry } from './secret-registry.js';

const MAX_DEPTH = 12;

/**
 * Returns a copy of `value` safe to log: values under secret keys ({@link isSecretKey})
 * become `[REDACTED]`, strings are scrubbed by `registry`. `Error`s are walked too: one at a
 * top-level key named in `errorKeys` (pino's `err`) stays an `Error` of the same class with
 * scrubbed message, stack and cause, so pino's error serializer formats it as usual; others
 * become `{ type, message, stack, …own fields, cause? }`. Plain objects, arrays and errors are
 * walked; other objects (requests, URLs, buffers) are left to their serializers and to the
 * final scrub of the whole log line.
 */
export function redactValue(value: unknown, registry: SecretRegistry, errorKeys: readonly string[] = []): unknown {
  const seen = new WeakSet<object>();
  if (errorKeys.length === 0 || !isPlainRecord(value)) return walk(value, registry, 0, seen);
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (isSecretKey(key)) out[key] = REDACTED;
    else if (child instanceof Error && errorKeys.includes(key)) out[key] = cloneError(child, registry, 1, seen);
    else out[key] = walk(child, registry, 1, seen);
  }
  return out;
}

function walk(value: unknown, registry: SecretRegistry, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return registry.scrub(value);
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Truncated]';
  seen.add(value);
  try {
    if (value instanceof Error) return errorToPlain(value, registry, depth, seen);
    // Raw bytes may be key material (a DER private key) that no text pattern would catch.
    if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return `[${value.byteLength} bytes]`;
    if (Array.isArray(value)) return value.map((item) => walk(item, registry, depth + 1, seen));
    if (!isPlainRecord(value)) return value;
    return walkFields(value, registry, depth, seen, {});
  } finally {
    seen.delete(value);
  }
}

function walkFields(
  source: object,
  registry: SecretRegistry,
  depth: number,
  seen: WeakSet<object>,
  out: Record<string, unknown>,
): Record<string, unknown> {
  for (const [key, child] of Object.entries(source)) {
    out[key] = isSecretKey(key) ? REDACTED : walk(child, registry, depth + 1, seen);
  }
  return out;
}

function errorToPlain(err: Error, registry: SecretRegistry, depth: number, seen: WeakSet<object>): Record<string, unknown> {
  const out: Record<string, unknown> = { type: err.name, message: registry.scrub(err.message) };
  if (typeof err.stack === 'string') out['stack'] = registry.scrub(err.stack);
  walkFields(err, registry, depth, seen, out);
  if (err.cause !== undefined) out['cause'] = walk(err.cause, registry, depth + 1, seen);
  if (err instanceof AggregateError) {
    out['errors'] = err.errors.map((inner: unknown) => walk(inner, registry, depth + 1, seen));
  }
  return out;
}

function cloneError(err: Error, registry: SecretRegistry, depth: number, seen: WeakSet<object>): Error {
  if (seen.has(err) || depth >= MAX_DEPTH) return new Error('[Circular or too deep error]');
  seen.add(err);
  try {
    const copy = Object.create(Object.getPrototypeOf(err) as object) as Error;
    const hidden = (key: string, value: unknown) =>
      Object.defineProperty(copy, key, { value, writable: true, configurable: true, enumerable: false });
    hidden('message', registry.scrub(err.message));
    if (typeof err.stack === 'string') hidden('stack', registry.scrub(err.stack));
    if (Object.hasOwn(err, 'name')) hidden('name', err.name);
    if (err.cause !== undefined) {
      hidden('cause', err.cause instanceof Error ? cloneError(err.cause, registry, depth + 1, seen) : walk(err.cause, registry, depth + 1, seen));
    }
    if (err instanceof AggregateError) {
      hidden('errors', err.errors.map((inner: unknown) =>
        inner instanceof Error ? cloneError(inner, registry, depth + 1, seen) : walk(inner, registry, depth + 1, seen)));
    }
    walkFields(err, registry, depth, seen, copy as unknown as Record<string, unknown>);
    return copy;
  } finally {
    seen.delete(err);
  }
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
