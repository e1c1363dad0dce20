/**
 * Test data: request entries, agents (written as attestation would), and bundles (local as the
 * CA would write it, federated through the registrar).
 * @module
 */
import { generateKeyPairSync } from 'node:crypto';
import { createNode, putBundle, setNodeSelectors, type Db } from '@signet/datastore';
import { JwtBundle, SpiffeBundle, TrustDomain } from '@signet/spiffe';
import { TestCa } from '@signet/spiffe/testing';
import type { Entry } from '../api/wire.js';

/** A valid request entry; `n` varies its SPIFFE ID and one selector. */
export function entryRequest(n: number, overrides: Partial<Entry> = {}): Entry {
  return {
    spiffe_id: `spiffe://example.org/workload/${n}`,
    parent_id: 'spiffe://example.org/spire/agent/join_token/node-1',
    selectors: [
      { type: 'unix', value: `uid:${1000 + n}` },
      { type: 'k8s', value: 'ns:prod' },
    ],
    ...overrides,
  };
}

/** A SPIFFE bundle document of a new test CA for `td`, with one JWT key, and its PEM. */
export function bundleDocuments(td: string, sequence?: bigint): { spiffeJson: string; pem: string; ca: TestCa } {
  const trustDomain = TrustDomain.parse(td);
  const ca = TestCa.create(trustDomain);
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const bundle = SpiffeBundle.fromX509AndJwt(ca.x509Bundle(), JwtBundle.fromKeys(trustDomain, [[`${td}-key`, publicKey]]), {
    sequenceNumber: sequence,
  });
  return { spiffeJson: bundle.toJson(), pem: ca.x509Bundle().toPem(), ca };
}

/** Stores the local bundle as the CA does. */
export async function seedLocalBundle(db: Db, td: string, now: Date): Promise<{ spiffeJson: string; pem: string }> {
  const docs = bundleDocuments(td, 1n);
  await putBundle(db, { trustDomain: td, document: JSON.parse(docs.spiffeJson), source: 'local' }, now);
  return docs;
}

/** Records an attested agent as the attestation service does. */
export async function seedAgent(
  db: Db,
  name: string,
  options: { attestationType?: string; selectors?: { type: string; value: string }[]; now: Date },
): Promise<string> {
  const spiffeId = `spiffe://example.org/spire/agent/${options.attestationType ?? 'join_token'}/${name}`;
  await createNode(
    db,
    {
      spiffeId,
      attestationType: options.attestationType ?? 'join_token',
      certSerial: 'abcdef01',
      certNotAfter: new Date(options.now.getTime() + 3_600_000),
      canReattest: options.attestationType !== 'join_token',
    },
    options.now,
  );
  if (options.selectors !== undefined) await setNodeSelectors(db, spiffeId, options.selectors, options.now);
  return spiffeId;
}
