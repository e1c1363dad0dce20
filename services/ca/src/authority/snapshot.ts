/**
 * What every replica signs with: an immutable view of the journal with the active authorities'
 * keys loaded, rebuilt after every change this replica makes or learns of. The X.509 minter of
 * the active CA is built once per authority (its certificate template pre-encoded) and reused
 * until rotation replaces it.
 * @module
 */
import type { KeyObject } from 'node:crypto';
import type { Authority, AuthorityKind } from '@signet/datastore';
import { X509SvidMinter } from '@signet/spiffe';
import type { KeyManager } from '../keymanager/key-manager.js';
import { servingChain } from './chain.js';

/** The signing X.509 authority. */
export interface ActiveX509Authority {
  readonly authority: Authority;
  /** Mints leaves under the authority's CA certificate with its key. */
  readonly minter: X509SvidMinter;
  /** The CA certificate and any upstream intermediates: what follows a leaf in a chain. */
  readonly chain: readonly Uint8Array[];
}

/** The signing JWT authority. */
export interface ActiveJwtAuthority {
  readonly authority: Authority;
  readonly privateKey: KeyObject;
  /** The `kid` published in the bundle. */
  readonly keyId: string;
}

/** The journal as this replica last read it, with the active authorities ready to sign. */
export interface AuthoritySnapshot {
  /** Every authority, oldest first. */
  readonly authorities: readonly Authority[];
  readonly x509: ActiveX509Authority | undefined;
  readonly jwt: ActiveJwtAuthority | undefined;
  /** Why a kind has no signing authority here (none active yet, or its key is missing from this replica's key manager). */
  readonly problems: Readonly<Partial<Record<AuthorityKind, string>>>;
}

/** The snapshot before anything was read. */
export const EMPTY_SNAPSHOT: AuthoritySnapshot = Object.freeze({
  authorities: [],
  x509: undefined,
  jwt: undefined,
  problems: { x509: 'the CA has not loaded its authorities yet', jwt: 'the CA has not loaded its authorities yet' },
});

/**
 * Builds a snapshot from the journal, loading the active keys from `keyManager`. Reuses the
 * previous snapshot's minter and key when the active authority did not change.
 */
export async function buildSnapshot(authorities: readonly Authority[], keyManager: KeyManager, previous: AuthoritySnapshot): Promise<AuthoritySnapshot> {
  const problems: Partial<Record<AuthorityKind, string>> = {};
  let x509: ActiveX509Authority | undefined;
  let jwt: ActiveJwtAuthority | undefined;
  const activeX509 = authorities.find((a) => a.kind === 'x509' && a.state === 'active');
  const activeJwt = authorities.find((a) => a.kind === 'jwt' && a.state === 'active');

  if (activeX509 === undefined) problems.x509 = 'no X.509 authority is active yet';
  else if (previous.x509?.authority.id === activeX509.id) x509 = { ...previous.x509, authority: activeX509 };
  else {
    const key = await keyManager.getKey(activeX509.keyRef);
    if (key === undefined) problems.x509 = missingKey(activeX509, keyManager);
    else {
      const minter = X509SvidMinter.create({ caCertificate: activeX509.certificate as Uint8Array, caPrivateKey: key.signer.privateKey });
      x509 = { authority: activeX509, minter, chain: servingChain(activeX509) };
    }
  }

  if (activeJwt === undefined) problems.jwt = 'no JWT authority is active yet';
  else if (previous.jwt?.authority.id === activeJwt.id) jwt = { ...previous.jwt, authority: activeJwt };
  else {
    const key = await keyManager.getKey(activeJwt.keyRef);
    if (key === undefined) problems.jwt = missingKey(activeJwt, keyManager);
    else jwt = { authority: activeJwt, privateKey: key.signer.privateKey, keyId: activeJwt.keyId };
  }
  return Object.freeze({ authorities: Object.freeze([...authorities]), x509, jwt, problems: Object.freeze(problems) });
}

function missingKey(authority: Authority, keyManager: KeyManager): string {
  return (
    `the key ${authority.keyRef} of active ${authority.kind} authority ${authority.id} is not in this replica's ` +
    `${keyManager.name} key manager (replicas must share their key manager)`
  );
}
