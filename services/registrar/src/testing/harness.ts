/**
 * A registrar on a real datastore for tests: one database per suite (PGlite or a fresh Postgres
 * schema), emptied and given a new registrar before each test, with a fake clock, a captured log,
 * a `call` helper that invokes a method's handler with an admin `CallContext`, and row counts.
 * @module
 */
import { after, afterEach, before, beforeEach } from 'node:test';
import { readEvents, resetDatastore, type ChangeEvent, type Db, type TestDatabase } from '@signet/datastore';
import { captureLogs, createLogger, FakeClock, type CallContext, type Caller, type LogCapture, type MethodSpec } from '@signet/platform';
import { createRegistrarService, type RegistrarApp } from '../app.js';
import type { RegistrarServiceImpl } from '../api/registrar/v1/service.js';
import { DEFAULT_REGISTRAR_CONFIG, type RegistrarConfig } from '../config.js';

/** The trust domain of every test registrar. */
export const TEST_TRUST_DOMAIN = 'example.org';
/** When every test starts. */
export const TEST_START = new Date('2030-01-01T00:00:00Z');

type RequestOf<M> = M extends MethodSpec<infer Req, unknown> ? Req : never;
type ResponseOf<M> = M extends MethodSpec<never, infer Res> ? Res : never;

/** Tables whose row counts tests compare before and after a refused write. */
export const COUNTED_TABLES = [
  'registration_entries',
  'registration_entry_selectors',
  'registration_entry_dns_names',
  'registration_entry_federates_with',
  'change_events',
  'join_tokens',
  'bundles',
  'attested_nodes',
  'node_selectors',
  'federation_relationships',
  'federation_status',
] as const;

/** What a test sees. */
export interface RegistrarHarness {
  readonly db: Db;
  readonly clock: FakeClock;
  readonly registrar: RegistrarApp;
  readonly logs: LogCapture;
  /** Audit fields the last `call` added. */
  readonly audit: Readonly<Record<string, unknown>>;
  /** Calls a method's handler as `caller` (default an admin on the local socket). */
  call<K extends keyof RegistrarServiceImpl>(method: K, request: RequestOf<RegistrarServiceImpl[K]>, caller?: Caller): Promise<ResponseOf<RegistrarServiceImpl[K]>>;
  /** Row counts of {@link COUNTED_TABLES}. */
  counts(): Promise<Record<string, number>>;
  /** Every change event so far. */
  events(): Promise<ChangeEvent[]>;
}

/** Options of {@link useRegistrar}. */
export interface HarnessOptions {
  readonly config?: Partial<RegistrarConfig>;
}

/**
 * Registers `before`/`after`/`beforeEach`/`afterEach` hooks in the current suite and returns a
 * harness valid inside its tests.
 */
export function useRegistrar(open: () => Promise<TestDatabase>, options: HarnessOptions = {}): RegistrarHarness {
  let opened: TestDatabase | undefined;
  let registrar: RegistrarApp | undefined;
  let clock = new FakeClock(TEST_START);
  let audit: Record<string, unknown> = {};
  const logs = captureLogs();
  const logger = createLogger({ level: 'warn', service: 'registrar-test', destination: logs.stream });
  const db = (): Db => {
    if (opened === undefined) throw new Error('the test database is not open');
    return opened.db;
  };
  before(async () => {
    opened = await open();
  });
  after(async () => {
    await opened?.dispose();
  });
  beforeEach(async () => {
    await resetDatastore(db());
    clock = new FakeClock(TEST_START);
    logs.clear();
    const config = { ...DEFAULT_REGISTRAR_CONFIG, ...options.config };
    registrar = createRegistrarService({ db: db(), trustDomain: TEST_TRUST_DOMAIN, clock, logger, config });
  });
  afterEach(async () => {
    await registrar?.close();
  });
  return {
    get db() {
      return db();
    },
    get clock() {
      return clock;
    },
    get registrar() {
      if (registrar === undefined) throw new Error('no registrar outside a test');
      return registrar;
    },
    logs,
    get audit() {
      return audit;
    },
    async call(method, request, caller = { kind: 'admin', via: 'unix' }) {
      const spec = this.registrar.service[method] as MethodSpec<unknown, unknown>;
      if (spec.type !== 'unary') throw new TypeError(`${String(method)} is not unary`);
      audit = {};
      const ctx: CallContext = {
        caller,
        method: `signet.registrar.v1.Registrar/${String(method)}`,
        signal: new AbortController().signal,
        logger,
        audit: (fields) => Object.assign(audit, fields),
      };
      return (await spec.handler(request, ctx)) as never;
    },
    async counts() {
      const result: Record<string, number> = {};
      for (const table of COUNTED_TABLES) {
        const { rows } = await db().query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
        result[table] = rows[0]?.n ?? -1;
      }
      return result;
    },
    async events() {
      return (await readEvents(db(), { afterRevision: 0, limit: 10_000 })).events;
    },
  };
}
