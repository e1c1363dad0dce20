/**
 * Test support: a bootstrapped authority manager, a signer with a real ledger writer and the
 * parent-entry authorizer, all over one test database and a fake clock.
 * @module
 */
import { generateKeyPairSync } from 'node:crypto';
import { trace } from '@opentelemetry/api';
import { createEntry, createNode, getBundle, type Db, type NewRegistrationEntry, type RegistrationEntry } from '@signet/datastore';
import type { Caller } from '@signet/platform';
import { createCsr, SpiffeBundle, type SpiffeId } from '@signet/spiffe';
import { LedgerWriter } from '../ledger/ledger-writer.js';
import { CaSigner, type CaSignerOptions } from '../signing/signer.js';
import { ParentEntryAuthorizer } from './entry-authorizer.test-helper.js';
import { TD, testManager, type TestManager, type TestManagerOptions } from './manager.test-helper.js';

/** The agent of the tests, and another one. */
export const AGENT = 'spiffe://example.org/spire/agent/join_token/node-1';
export const OTHER_AGENT = 'spiffe://example.org/spire/agent/join_token/node-2';

/** Callers of the tests. */
export const CALLERS = {
  agent: { kind: 'agent', via: 'mtls', spiffeId: AGENT },
  otherAgent: { kind: 'agent', via: 'mtls', spiffeId: OTHER_AGENT },
  admin: { kind: 'admin', via: 'unix' },
  server: { kind: 'server', via: 'inproc', spiffeId: 'spiffe://example.org/spire/server' },
  anonymous: { kind: 'anonymous', via: 'tcp', address: '127.0.0.1' },
} as const satisfies Record<string, Caller>;

/** A signer and everything behind it. */
export interface SignerHarness extends TestManager {
  readonly signer: CaSigner;
  readonly ledger: LedgerWriter;
  readonly authorizer: ParentEntryAuthorizer;
}

/** Bootstraps authorities (one tick), records {@link AGENT} as an attested node, and builds a signer; `signer` overrides its settings. */
export async function signerHarness(db: Db, options: TestManagerOptions & { signer?: Partial<CaSignerOptions> } = {}): Promise<SignerHarness> {
  const m = testManager(db, options);
  await m.manager.tick();
  await createNode(db, { spiffeId: AGENT, attestationType: 'join_token' }, m.clock.now());
  const ledger = new LedgerWriter({ db, clock: m.clock, logger: m.logger });
  const authorizer = new ParentEntryAuthorizer(db);
  const signer = new CaSigner({
    trustDomain: TD,
    clock: m.clock,
    authorities: m.manager,
    authorizer,
    ledger,
    tracer: trace.getTracer('test'),
    x509SvidTtlSeconds: 3600,
    agentSvidTtlSeconds: 7200,
    jwtSvidTtlSeconds: 300,
    agentPathPrefix: '/spire/agent',
    ...options.signer,
  });
  return { ...m, signer, ledger, authorizer };
}

/** Creates an entry (default: `spiffe://example.org/<name>` served by {@link AGENT}). */
export function addEntry(db: Db, name: string, overrides: Partial<NewRegistrationEntry> = {}): Promise<RegistrationEntry> {
  return createEntry(
    db,
    { spiffeId: `spiffe://example.org/${name}`, parentId: AGENT, selectors: [{ type: 'unix', value: `uid:${name.length}` }], ...overrides },
    new Date(),
  );
}

/** A fresh P-256 CSR (DER) and its key. */
export function newCsr(id?: SpiffeId): { csr: Uint8Array; privateKey: import('node:crypto').KeyObject } {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { csr: createCsr({ privateKey, ...(id === undefined ? {} : { id }) }), privateKey };
}

/** The published local bundle, parsed. */
export async function publishedBundle(db: Db): Promise<SpiffeBundle> {
  const stored = await getBundle(db, TD.name);
  if (stored === undefined) throw new Error('no local bundle');
  return SpiffeBundle.parse(TD, JSON.stringify(stored.document));
}
