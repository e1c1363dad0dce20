/**
 * Stacking the config layers (file, then environment, then explicit overrides) into one raw
 * value before validation, remembering which layer set each key.
 * @module
 */
import { pathKey } from './path.js';
import { ObjectSchema, baseOf, isPlainObject, type Path, type Schema } from './schema/index.js';

/** The layer that set a key, with the variable name for environment values. */
export interface Origin {
  /** The layer. */
  readonly source: 'file' | 'env' | 'override';
  /** The variable, for `env`. */
  readonly env?: string;
}

/**
 * The raw config under construction. Objects known to the schema are merged key by key;
 * everything else (scalars, lists, maps, unknown keys) is replaced whole by a later layer.
 */
export class LayeredInput {
  #data: Record<string, unknown> = {};
  readonly #origins = new Map<string, Origin>();

  constructor(private readonly root: Schema<unknown>) {}

  /** The merged raw value. */
  get data(): unknown {
    return this.#data;
  }

  /** Overlays a whole layer (the parsed file, or the overrides object). */
  overlay(value: Readonly<Record<string, unknown>>, origin: Origin): void {
    this.#data = this.#merge(this.#data, value, this.root, [], origin) as Record<string, unknown>;
  }

  /** Sets one key (an environment variable's value) at `path`. */
  set(path: Path, value: unknown, origin: Origin): void {
    if (path.length === 0) return;
    let parent: Record<string, unknown> = this.#data;
    for (const segment of path.slice(0, -1)) {
      const key = String(segment);
      const next = parent[key];
      const child = isPlainObject(next) ? { ...next } : {};
      parent[key] = child;
      parent = child;
    }
    parent[String(path[path.length - 1])] = value;
    this.#record(path, origin);
  }

  /** The origin of exactly this path, if a layer set it. */
  originAt(path: Path): Origin | undefined {
    return this.#origins.get(pathKey(path));
  }

  /** The origin of the closest enclosing path some layer set (for problems deep in a value). */
  originOf(path: Path): Origin | undefined {
    for (let n = path.length; n >= 0; n--) {
      const origin = this.#origins.get(pathKey(path.slice(0, n)));
      if (origin !== undefined) return origin;
    }
    return undefined;
  }

  #merge(base: unknown, top: unknown, schema: Schema<unknown> | undefined, path: Path, origin: Origin): unknown {
    const core = schema === undefined ? undefined : baseOf(schema);
    if (core instanceof ObjectSchema && isPlainObject(top)) {
      const out: Record<string, unknown> = isPlainObject(base) ? { ...base } : {};
      const shape = core.shape as Record<string, Schema<unknown>>;
      for (const [key, value] of Object.entries(top)) {
        if (value === undefined) continue;
        const child = Object.hasOwn(shape, key) ? shape[key] : undefined;
        out[key] = this.#merge(out[key], value, child, [...path, key], origin);
      }
      return out;
    }
    this.#record(path, origin);
    return top;
  }

  #record(path: Path, origin: Origin): void {
    const key = pathKey(path);
    const prefix = `${key}\u0000`;
    for (const existing of [...this.#origins.keys()]) {
      if (existing.startsWith(prefix)) this.#origins.delete(existing);
    }
    this.#origins.set(key, origin);
  }
}
