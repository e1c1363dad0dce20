/**
 * Creating the next authority of a kind: a new key in the key manager and, for X.509, its CA
 * certificate (self-signed, or signed by the upstream authority from a CSR).
 * @module
 */
import { randomBytes, randomUUID, X509Certificate } from 'node:crypto';
import type { AuthorityKind, NewAuthority } from '@signet/datastore';
import { createCsr, createSelfSignedCa, type DistinguishedName, type TrustDomain } from '@signet/spiffe';
import type { KeyManager, ManagedKey } from '../keymanager/key-manager.js';
import type { KeyType } from '../keymanager/key-types.js';
import type { UpstreamAuthority } from '../upstream/upstream.js';
import { randomJwtKeyId, subjectKeyIdHex } from './key-id.js';

/** How new authorities are made. */
export interface AuthorityFactoryOptions {
  readonly trustDomain: TrustDomain;
  readonly keyManager: KeyManager;
  /** Signs X.509 authorities; absent: each is a self-signed root. */
  readonly upstream?: UpstreamAuthority | undefined;
  readonly x509: {
    readonly keyType: KeyType;
    readonly ttlSeconds: number;
    /** CA subject; a random `serialNumber` attribute is always added so every CA's name is unique. */
    readonly subject?: Omit<DistinguishedName, 'serialNumber'> | undefined;
  };
  readonly jwt: { readonly keyType: KeyType; readonly ttlSeconds: number };
}

/** A new authority ready to be journaled, and its key. */
export interface CreatedAuthority {
  readonly input: NewAuthority & { readonly id: string };
  readonly key: ManagedKey;
}

/**
 * Makes authorities.
 *
 * @example
 * ```ts
 * const { input } = await factory.create('x509', now);
 * await insertAuthority(tx, input, now);
 * ```
 */
export class AuthorityFactory {
  readonly #o: AuthorityFactoryOptions;

  constructor(options: AuthorityFactoryOptions) {
    this.#o = options;
  }

  /** The key manager keys are generated in (to delete a key when its authority is not kept). */
  get keyManager(): KeyManager {
    return this.#o.keyManager;
  }

  /** Generates the key and, for X.509, the certificate of a new authority of `kind`. */
  async create(kind: AuthorityKind, now: Date): Promise<CreatedAuthority> {
    const id = randomUUID();
    const keyRef = `${kind}-${id}`;
    const keyType = kind === 'x509' ? this.#o.x509.keyType : this.#o.jwt.keyType;
    const key = await this.#o.keyManager.generateKey(keyRef, keyType);
    try {
      if (kind === 'jwt') {
        const notAfter = new Date(now.getTime() + this.#o.jwt.ttlSeconds * 1000);
        return { key, input: { id, kind, publicKey: key.publicKey, keyId: randomJwtKeyId(), keyRef, notBefore: now, notAfter } };
      }
      const { certificate, upstreamChain } = await this.#x509Certificate(key, now);
      const cert = new X509Certificate(certificate);
      return {
        key,
        input: {
          id,
          kind,
          publicKey: key.publicKey,
          certificate,
          keyId: subjectKeyIdHex(key.publicKey),
          upstreamChain,
          keyRef,
          notBefore: new Date(cert.validFrom),
          notAfter: new Date(cert.validTo),
        },
      };
    } catch (err) {
      await this.#o.keyManager.deleteKey(keyRef).catch(() => undefined);
      throw err;
    }
  }

  async #x509Certificate(key: ManagedKey, now: Date): Promise<{ certificate: Uint8Array; upstreamChain: Uint8Array[] }> {
    const serial = randomBytes(16);
    serial[0] = (serial[0]! & 0x3f) | 0x40;
    const subject: DistinguishedName = {
      ...(this.#o.x509.subject ?? { organization: 'SPIFFE' }),
      serialNumber: serial.toString('hex'),
    };
    const { trustDomain, upstream } = this.#o;
    const ttlSeconds = this.#o.x509.ttlSeconds;
    if (upstream === undefined) {
      const certificate = createSelfSignedCa({ trustDomain, privateKey: key.signer.privateKey, subject, serialNumber: serial, ttlSeconds, now });
      return { certificate, upstreamChain: [] };
    }
    const csr = createCsr({ privateKey: key.signer.privateKey, subject });
    const minted = await upstream.mintX509Ca({ csr, trustDomain, ttlSeconds, now, subject });
    // Stored as the path to the root followed by the roots: the bundle publishes the
    // self-signed ones, the chain served with SVIDs is the rest.
    return { certificate: minted.certificate, upstreamChain: [...minted.intermediates, ...minted.roots] };
  }
}
