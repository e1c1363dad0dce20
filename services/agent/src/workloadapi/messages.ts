/**
 * The Workload API's response messages, built from a workload's view. Pure.
 * @module
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { JwtBundle, TrustDomain } from '@signet/spiffe';
import type { TrustBundle, WorkloadView } from '../domain/view.js';

/** The trust-domain ID used as a key of bundle maps (`spiffe://example.org`). */
export function trustDomainId(name: string): string {
  return `spiffe://${name}`;
}

/** Concatenated DER certificates (the Workload API's bundle and chain encoding). */
export function concatDer(ders: readonly Uint8Array[]): Buffer {
  return Buffer.concat(ders.map((d) => Buffer.from(d.buffer, d.byteOffset, d.byteLength)));
}

/** X509SVIDResponse for a view. */
export function x509SvidResponse(view: WorkloadView): {
  svids: Array<{ spiffe_id: string; x509_svid: Buffer; x509_svid_key: Buffer; bundle: Buffer; hint: string }>;
  crl: Buffer[];
  federated_bundles: Record<string, Buffer>;
} {
  const bundle = concatDer(view.bundle?.x509Authorities ?? []);
  const federated: Record<string, Buffer> = {};
  for (const [td, b] of view.federatedBundles) federated[trustDomainId(td)] = concatDer(b.x509Authorities);
  return {
    svids: view.svids.map((s) => ({
      spiffe_id: s.spiffeId,
      x509_svid: concatDer(s.certChain),
      x509_svid_key: Buffer.from(s.privateKey),
      bundle,
      hint: s.hint,
    })),
    crl: [],
    federated_bundles: federated,
  };
}

/** The bundles a view may see: its own trust domain's first, then federated ones by name. */
export function viewBundles(view: WorkloadView): TrustBundle[] {
  const out: TrustBundle[] = [];
  if (view.bundle !== undefined) out.push(view.bundle);
  for (const td of [...view.federatedBundles.keys()].sort()) out.push(view.federatedBundles.get(td)!);
  return out;
}

/** X509BundlesResponse for a view. */
export function x509BundlesResponse(view: WorkloadView): { crl: Buffer[]; bundles: Record<string, Buffer> } {
  const bundles: Record<string, Buffer> = {};
  for (const b of viewBundles(view)) bundles[trustDomainId(b.trustDomain)] = concatDer(b.x509Authorities);
  return { crl: [], bundles };
}

const jwtBundles = new WeakMap<TrustBundle, JwtBundle>();

/** The JWT bundle of a trust bundle (cached per bundle object). */
export function jwtBundleOf(bundle: TrustBundle): JwtBundle {
  let jwt = jwtBundles.get(bundle);
  if (jwt === undefined) {
    const keys: Array<[string, KeyObject]> = bundle.jwtAuthorities.map((k) => [k.keyId, createPublicKey({ key: Buffer.from(k.publicKey), format: 'der', type: 'spki' })]);
    jwt = JwtBundle.fromKeys(TrustDomain.parse(bundle.trustDomain), keys);
    jwtBundles.set(bundle, jwt);
  }
  return jwt;
}

/** JWTBundlesResponse for a view: each bundle as a JWK Set. */
export function jwtBundlesResponse(view: WorkloadView): { bundles: Record<string, Buffer> } {
  const bundles: Record<string, Buffer> = {};
  for (const b of viewBundles(view)) bundles[trustDomainId(b.trustDomain)] = Buffer.from(jwtBundleOf(b).toJwks());
  return { bundles };
}

/**
 * A google.protobuf.Value from a JSON value. proto-loader takes the well-known types from
 * protobufjs's bundled descriptors, whose field names are camelCase even with `keepCase`.
 */
export function protoValue(v: unknown): Record<string, unknown> {
  if (v === null || v === undefined) return { nullValue: 'NULL_VALUE' };
  if (typeof v === 'number') return { numberValue: v };
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (Array.isArray(v)) return { listValue: { values: v.map(protoValue) } };
  if (typeof v === 'object') return { structValue: protoStruct(v as Record<string, unknown>) };
  return { stringValue: String(v) };
}

/** A google.protobuf.Struct from a JSON object. */
export function protoStruct(o: Readonly<Record<string, unknown>>): { fields: Record<string, unknown> } {
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) fields[k] = protoValue(v);
  return { fields };
}
