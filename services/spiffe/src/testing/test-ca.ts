import { randomBytes, type KeyObject } from 'node:crypto';
import { X509Bundle } from '../bundle/x509-bundle.js';
import { SpiffeId } from '../id/spiffe-id.js';
import { TrustDomain } from '../id/trust-domain.js';
import { Oid } from '../internal/der/oids.js';
import { inspectSpki, keyIdentifier } from '../internal/keys.js';
import { createIntermediateCa, createSelfSignedCa, type X509CaParams } from '../svid/x509/ca.js';
import { parseCertificate, type ParsedCertificate } from '../svid/x509/certificate.js';
import { X509SvidMinter } from '../svid/x509/minter.js';
import type { DistinguishedName } from '../svid/x509/name.js';
import { X509Svid } from '../svid/x509/svid.js';
import { buildSpecCertificate, type SpecDefaults, type TestCertificateSpec } from './certificate-spec.js';
import { generateTestKey, type TestKeyType } from './keys.js';

/** Options of {@link TestCa.create} and {@link TestCa.childCa}. */
export interface TestCaOptions {
  /** CA key type (default EC P-256). */
  readonly keyType?: TestKeyType;
  /** The CA's notion of the current time: its certificate's issuance time and the default for what it issues (default: now). */
  readonly now?: Date;
  /** CA certificate lifetime in seconds (default 86400; an intermediate is capped by its parent). */
  readonly ttlSeconds?: number;
  readonly pathLen?: number;
  readonly subject?: DistinguishedName;
  readonly nameConstraints?: X509CaParams['nameConstraints'];
}

/** Options of {@link TestCa.childCa}. */
export interface TestChildCaOptions extends TestCaOptions {
  /** Trust domain of the child (default: the parent's). */
  readonly trustDomain?: TrustDomain | string;
  /** Build the child certificate from this spec instead (CA defaults), e.g. to leave out keyCertSign. */
  readonly defects?: TestCertificateSpec;
}

/** Options of {@link TestCa.issueX509Svid}. */
export interface TestSvidOptions {
  readonly keyType?: TestKeyType;
  readonly dnsNames?: readonly string[];
  readonly ttlSeconds?: number;
  readonly now?: Date;
  readonly subject?: DistinguishedName;
}

/** A certificate built by {@link TestCa.issueCertificate}, with what a peer would present. */
export interface TestCertificate {
  readonly certificate: Uint8Array;
  /** The subject's private key (absent when the spec supplied `publicKey`). */
  readonly privateKey: KeyObject | undefined;
  /** The certificate, then this CA's intermediates (root excluded): a presented chain. */
  readonly chain: Uint8Array[];
}

/**
 * An in-memory certificate authority for tests, after go-spiffe's `test.CA`: a root, child CAs,
 * valid X.509-SVIDs from the production minter, and deliberately defective certificates.
 *
 * @example
 * ```ts
 * const ca = TestCa.create('example.org', { now });
 * const svid = ca.issueX509Svid('spiffe://example.org/web');
 * verifyX509Svid(svid.certificates, ca.x509Bundle(), { now });
 * const bad = ca.issueCertificate({ uris: ['spiffe://example.org/web'], basicConstraints: { ca: true } });
 * ```
 */
export class TestCa {
  readonly #td: TrustDomain;
  readonly #cert: Uint8Array;
  readonly #parsed: ParsedCertificate;
  readonly #key: KeyObject;
  readonly #parent: TestCa | undefined;
  readonly #now: Date;
  #minter: X509SvidMinter | undefined;

  private constructor(td: TrustDomain, cert: Uint8Array, key: KeyObject, parent: TestCa | undefined, now: Date) {
    this.#td = td;
    this.#cert = cert;
    this.#parsed = parseCertificate(cert);
    this.#key = key;
    this.#parent = parent;
    this.#now = now;
  }

  /** A new self-signed root CA for `td`. */
  static create(td: TrustDomain | string, opts: TestCaOptions = {}): TestCa {
    const trustDomain = typeof td === 'string' ? TrustDomain.parse(td) : td;
    const now = opts.now ?? new Date();
    const { privateKey } = generateTestKey(opts.keyType);
    const cert = createSelfSignedCa({ ...caParams(opts, now), trustDomain, privateKey });
    return new TestCa(trustDomain, cert, privateKey, undefined, now);
  }

  /** The trust domain this CA issues in. */
  get trustDomain(): TrustDomain {
    return this.#td;
  }

  /** This CA's certificate (DER). */
  get certificate(): Uint8Array {
    return this.#cert;
  }

  /** This CA's private key. */
  get privateKey(): KeyObject {
    return this.#key;
  }

  /** The parent CA, or `undefined` for a root. */
  get parent(): TestCa | undefined {
    return this.#parent;
  }

  /** The root of this CA's hierarchy. */
  get root(): TestCa {
    return this.#parent?.root ?? this;
  }

  /** This CA's certificate and its ancestors' up to, not including, the root: what a leaf presents after itself. */
  get intermediates(): Uint8Array[] {
    return this.#parent === undefined ? [] : [this.#cert, ...this.#parent.intermediates];
  }

  /** A bundle for this CA's trust domain holding the root certificate. */
  x509Bundle(): X509Bundle {
    return X509Bundle.fromAuthorities(this.#td, [this.root.certificate]);
  }

  /** The production minter bound to this CA (created on first use). */
  minter(): X509SvidMinter {
    this.#minter ??= X509SvidMinter.create({ caCertificate: this.#cert, caPrivateKey: this.#key });
    return this.#minter;
  }

  /** An intermediate CA signed by this one (valid, or built from `opts.defects`). */
  childCa(opts: TestChildCaOptions = {}): TestCa {
    const given = opts.trustDomain;
    const td = given === undefined ? this.#td : typeof given === 'string' ? TrustDomain.parse(given) : given;
    const now = opts.now ?? this.#now;
    const { privateKey, publicKey } = generateTestKey(opts.keyType);
    const cert =
      opts.defects === undefined
        ? createIntermediateCa({
            ...caParams(opts, now),
            trustDomain: td,
            publicKey,
            parentCertificate: this.#cert,
            parentPrivateKey: this.#key,
          })
        : buildSpecCertificate({ ...opts.defects, publicKey }, this.#defaults(now, true, [td.idString()]), publicKey, this.#signer());
    return new TestCa(td, cert, privateKey, this, now);
  }

  /** A valid X.509-SVID for `id` from the production minter, with a fresh key; chain = leaf + intermediates. */
  issueX509Svid(id: SpiffeId | string, opts: TestSvidOptions = {}): X509Svid {
    const { privateKey, publicKey } = generateTestKey(opts.keyType);
    const { certificate } = this.minter().mint({
      id: typeof id === 'string' ? SpiffeId.parse(id) : id,
      publicKey,
      now: opts.now ?? this.#now,
      ...(opts.dnsNames === undefined ? {} : { dnsNames: opts.dnsNames }),
      ...(opts.ttlSeconds === undefined ? {} : { ttlSeconds: opts.ttlSeconds }),
      ...(opts.subject === undefined ? {} : { subject: opts.subject }),
    });
    return X509Svid.fromParts([certificate, ...this.intermediates], privateKey);
  }

  /**
   * Any certificate signed by this CA, built from `spec` over the defaults of a valid leaf (valid
   * for one hour from the CA's `now`, cA=false, digitalSignature, serverAuth + clientAuth). Nothing
   * is validated, so defects are kept.
   */
  issueCertificate(spec: TestCertificateSpec = {}): TestCertificate {
    const pair = spec.publicKey === undefined ? generateTestKey(spec.keyType) : { publicKey: spec.publicKey, privateKey: undefined };
    const certificate = buildSpecCertificate(spec, this.#defaults(this.#now, false, []), pair.publicKey, this.#signer());
    return { certificate, privateKey: pair.privateKey, chain: [certificate, ...this.intermediates] };
  }

  #signer(): { subject: Uint8Array; keyId: Uint8Array; privateKey: KeyObject } {
    const keyId =
      this.#parsed.ext.subjectKeyId ??
      keyIdentifier(
        inspectSpki(this.#parsed.subjectPublicKeyInfo, (m) => {
          throw new TypeError(m);
        }).keyBits,
      );
    return { subject: this.#parsed.subject, keyId, privateKey: this.#key };
  }

  #defaults(now: Date, ca: boolean, uris: string[]): SpecDefaults {
    return {
      uris,
      basicConstraints: { ca },
      keyUsage: ca ? ['keyCertSign', 'cRLSign'] : ['digitalSignature'],
      extKeyUsage: ca ? null : [Oid.serverAuth, Oid.clientAuth],
      subject: ca ? { organization: 'SPIFFE', commonName: `test intermediate ${randomBytes(4).toString('hex')}` } : { organization: 'SPIFFE' },
      notBefore: new Date(now.getTime() - 10_000),
      notAfter: new Date(now.getTime() + (ca ? 86_400_000 : 3_600_000)),
    };
  }
}

function caParams(opts: TestCaOptions, now: Date): Omit<X509CaParams, 'trustDomain'> {
  return {
    now,
    backdateSeconds: 60,
    ...(opts.ttlSeconds === undefined ? {} : { ttlSeconds: opts.ttlSeconds }),
    ...(opts.pathLen === undefined ? {} : { pathLen: opts.pathLen }),
    ...(opts.subject === undefined ? {} : { subject: opts.subject }),
    ...(opts.nameConstraints === undefined ? {} : { nameConstraints: opts.nameConstraints }),
  };
}
