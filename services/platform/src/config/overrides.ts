/**
 * Normalizing explicit overrides (CLI flags) into the nested shape of the config.
 * @module
 */
import { ObjectSchema, baseOf, isPlainObject, type Schema } from './schema/index.js';

/**
 * Expands dotted keys (`'health.port'`) into nested objects, following the schema so that
 * keys of free-form maps keep their dots (`'telemetry.resource_attributes.service.namespace'`
 * sets the map key `service.namespace`), and reads string values given for leaf keys the way
 * environment values are read (`'8080'` → `8080` for an integer key). Keys unknown to the
 * schema are kept so that validation reports them.
 *
 * @example
 * ```ts
 * normalizeOverrides({ 'health.port': '8080' }, schema.root); // { health: { port: 8080 } }
 * ```
 */
export function normalizeOverrides(
  overrides: Readonly<Record<string, unknown>>,
  root: Schema<unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(overrides)) assign(out, key, raw, root);
  return out;
}

function shapeOf(schema: Schema<unknown> | undefined): Readonly<Record<string, Schema<unknown>>> | undefined {
  const core = schema === undefined ? undefined : baseOf(schema);
  return core instanceof ObjectSchema ? (core.shape as Record<string, Schema<unknown>>) : undefined;
}

function assign(target: Record<string, unknown>, key: string, raw: unknown, parent: Schema<unknown> | undefined): void {
  const shape = shapeOf(parent);
  const dot = key.indexOf('.');
  if (shape === undefined && parent !== undefined) {
    target[key] = raw; // inside a map or list: the key is taken as written
    return;
  }
  const head = dot < 0 ? key : key.slice(0, dot);
  const child = shape !== undefined && Object.hasOwn(shape, head) ? shape[head] : undefined;
  if (dot >= 0) {
    const existing = target[head];
    const nested: Record<string, unknown> = isPlainObject(existing) ? existing : {};
    target[head] = nested;
    assign(nested, key.slice(dot + 1), raw, child);
    return;
  }
  if (shapeOf(child) !== undefined && isPlainObject(raw)) {
    const existing = target[head];
    const nested: Record<string, unknown> = isPlainObject(existing) ? existing : {};
    target[head] = nested;
    for (const [k, v] of Object.entries(raw)) assign(nested, k, v, child);
    return;
  }
  target[head] = child !== undefined && typeof raw === 'string' ? child.fromEnv(raw) : raw;
}
