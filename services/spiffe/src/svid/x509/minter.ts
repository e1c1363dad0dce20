import { randomFillSync, sign, type KeyObject } from 'node:crypto';
import { KeyInvalidError, UnsupportedError, X509SvidInvalidError } from '../../errors.js';
import { SpiffeId } from '../../id/spiffe-id.js';
import { inspectSpki, keyIdentifier, privateKeyMatchesSpki, signatureAlgorithmFor, type KeyKind } from '../../internal/keys.js';
import { parseCertificate } from './certificate.js';
import { validateDnsNames } from './dns-name.js';
import { subjectAltNameExtension } from './encode-extensions.js';
import { SERIAL_LENGTH, buildLeafTemplate, writeCertificate, writeLeafTbs, type LeafTemplate, type LeafValues } from './leaf-template.js';
import { EMPTY_NAME, encodeName, type DistinguishedName } from './name.js';
import { checkDuration, checkNow, spkiOf } from './params.js';
import { signingCertificateProblem } from './rules.js';
import { bytesEqual } from '../../internal/pem.js';

/** Parameters of {@link X509SvidMinter.create}. */
export interface X509SvidMinterParams {
  /** The signing CA certificate (DER). It must be a signing certificate (cA, keyCertSign). */
  readonly caCertificate: Uint8Array;
  /** The CA's private key (EC P-256, EC P-384 or RSA), matching `caCertificate`. */
  readonly caPrivateKey: KeyObject;
  /** Leaf lifetime when {@link MintX509SvidParams.ttlSeconds} is not given (default 3600). */
  readonly defaultTtlSeconds?: number;
  /** notBefore is `now` minus this many seconds, for clock skew between peers (default 10). */
  readonly backdateSeconds?: number;
}

/** Parameters of one leaf. */
export interface MintX509SvidParams {
  /** The SPIFFE ID; it must have a path (X509-SVID §3.1). The minter does not check its trust domain. */
  readonly id: SpiffeId;
  /** The subject's public key: DER SubjectPublicKeyInfo (fastest) or a `KeyObject`. EC P-256/P-384 or RSA. */
  readonly publicKey: Uint8Array | KeyObject;
  /** DNS SANs (X509-SVID §2 allows them), validated; case-insensitive duplicates are dropped. */
  readonly dnsNames?: readonly string[];
  /** Lifetime from `now` in seconds; capped so the leaf never outlives the CA certificate. */
  readonly ttlSeconds?: number;
  /** Issuance time (default: the current time). */
  readonly now?: Date;
  /** Subject name. Default `O=SPIFFE, serialNumber=<serial hex>`. `{}` gives an empty subject and a critical SAN. */
  readonly subject?: DistinguishedName;
}

/** A minted leaf certificate and the facts a CA service records about it. */
export interface MintedX509Svid {
  /** The DER leaf certificate. */
  readonly certificate: Uint8Array;
  /** The serial number as 32 lower-case hex digits. */
  readonly serialNumber: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/** A signed-to-be TBSCertificate and the facts reported with it. */
interface Prepared {
  readonly tbs: Buffer;
  readonly result: Omit<MintedX509Svid, 'certificate'>;
}

const POOL_SERIALS = 512;
const serialPool = Buffer.allocUnsafe(POOL_SERIALS * SERIAL_LENGTH);
let serialNext = POOL_SERIALS;

function nextSerial(): Buffer {
  if (serialNext === POOL_SERIALS) {
    randomFillSync(serialPool);
    serialNext = 0;
  }
  const s = serialPool.subarray(serialNext * SERIAL_LENGTH, ++serialNext * SERIAL_LENGTH);
  s[0] = (s[0]! & 0x3f) | 0x40;
  return s;
}

/**
 * Issues leaf X.509-SVIDs for one CA, fast: the parts of the certificate that do not change are
 * encoded once, and each leaf patches in its serial (126 random bits), validity, subject, public
 * key, subject key identifier and SAN before one `crypto.sign` with the cached CA key.
 *
 * Every leaf has exactly one URI SAN (the SPIFFE ID, X509-SVID §2), basic constraints cA=false
 * (critical, §4.1), a critical key usage with digitalSignature — plus keyEncipherment for RSA
 * subject keys — and never keyCertSign or cRLSign (§4.3), extended key usage serverAuth and
 * clientAuth (§4.4), subject and authority key identifiers, and optional DNS SANs.
 *
 * @example
 * ```ts
 * const minter = X509SvidMinter.create({ caCertificate: caDer, caPrivateKey: caKey });
 * const csr = parseCsr(csrPem);
 * const { certificate, notAfter } = minter.mint({
 *   id: SpiffeId.parse('spiffe://example.org/ns/prod/sa/web'),
 *   publicKey: csr.subjectPublicKeyInfo,
 *   dnsNames: ['web.prod.svc'],
 *   ttlSeconds: 3600,
 * });
 * ```
 */
export class X509SvidMinter {
  readonly #caCertificate: Uint8Array;
  readonly #caKey: KeyObject;
  readonly #caNotAfter: Date;
  readonly #template: LeafTemplate;
  readonly #defaultTtl: number;
  readonly #backdateMs: number;

  private constructor(cert: Uint8Array, key: KeyObject, notAfter: Date, template: LeafTemplate, ttl: number, backdate: number) {
    this.#caCertificate = cert;
    this.#caKey = key;
    this.#caNotAfter = notAfter;
    this.#template = template;
    this.#defaultTtl = ttl;
    this.#backdateMs = backdate * 1000;
  }

  /**
   * Binds a minter to a CA. Throws {@link X509SvidInvalidError} when the certificate is not a
   * signing certificate, {@link KeyInvalidError} when the key does not match it, and
   * {@link UnsupportedError} for keys other than EC P-256, P-384 or RSA.
   */
  static create(params: X509SvidMinterParams): X509SvidMinter {
    const { caCertificate, caPrivateKey } = params;
    if (!(caCertificate instanceof Uint8Array)) throw new TypeError('caCertificate must be DER bytes (Uint8Array)');
    if (caPrivateKey == null || caPrivateKey.type !== 'private') throw new TypeError('caPrivateKey must be a private KeyObject');
    const ca = parseCertificate(Uint8Array.from(caCertificate), 'CA certificate');
    const problem = signingCertificateProblem(ca);
    if (problem !== undefined) throw new X509SvidInvalidError(`x509svid: the CA certificate ${problem}`);
    const alg = signatureAlgorithmFor(caPrivateKey);
    if (!privateKeyMatchesSpki(caPrivateKey, ca.subjectPublicKeyInfo)) {
      throw new KeyInvalidError('x509svid: caPrivateKey does not match the public key of caCertificate');
    }
    const caKeyId = ca.ext.subjectKeyId ?? keyIdentifier(inspectSpki(ca.subjectPublicKeyInfo, keyFail).keyBits);
    const ttl = checkDuration(params.defaultTtlSeconds ?? 3600, 'defaultTtlSeconds', 1);
    const backdate = checkDuration(params.backdateSeconds ?? 10, 'backdateSeconds', 0);
    return new X509SvidMinter(ca.der, caPrivateKey, ca.notAfter, buildLeafTemplate(ca.subject, caKeyId, alg), ttl, backdate);
  }

  /** The CA certificate (DER) leaves are issued under. */
  get caCertificate(): Uint8Array {
    return this.#caCertificate;
  }

  /** The CA certificate's notAfter: no leaf outlives it. */
  get caNotAfter(): Date {
    return this.#caNotAfter;
  }

  /**
   * Mints one leaf, signing on the calling thread. Throws {@link X509SvidInvalidError} for an ID
   * without a path, a bad DNS name or subject, or when the CA has expired at `now`;
   * {@link KeyInvalidError} / {@link UnsupportedError} for a malformed or unsupported public key.
   */
  mint(params: MintX509SvidParams): MintedX509Svid {
    const { tbs, result } = this.#prepare(params);
    const signature = sign(this.#template.signatureAlgorithm.hash, tbs, this.#caKey);
    return minted(result, writeCertificate(tbs, this.#template.signatureAlgorithm.identifier, signature));
  }

  /** Like {@link X509SvidMinter.mint}, but signs on the libuv thread pool, so many mints in flight use every core. */
  mintAsync(params: MintX509SvidParams): Promise<MintedX509Svid> {
    let prepared: Prepared;
    try {
      prepared = this.#prepare(params);
    } catch (err) {
      return Promise.reject(err as Error);
    }
    const { tbs, result } = prepared;
    return new Promise((resolve, reject) => {
      sign(this.#template.signatureAlgorithm.hash, tbs, this.#caKey, (err, signature) => {
        if (err) reject(err);
        else resolve(minted(result, writeCertificate(tbs, this.#template.signatureAlgorithm.identifier, signature)));
      });
    });
  }

  #prepare(params: MintX509SvidParams): Prepared {
    if (params == null || typeof params !== 'object') throw new TypeError('mint expects a parameters object');
    const { id } = params;
    if (!(id instanceof SpiffeId)) throw new TypeError('id must be a SpiffeId');
    if (id.isTrustDomainId()) {
      throw new X509SvidInvalidError(`x509svid: leaf SPIFFE ID "${id.toString()}" must have a non-root path (X509-SVID §3.1)`);
    }
    const spki = spkiOf(params.publicKey, 'publicKey');
    const info = inspectSpki(spki, keyFail, 'publicKey');
    if (info.kind === 'unsupported') {
      throw new UnsupportedError(
        `x509svid: publicKey is ${info.description}; leaf keys must be EC P-256, EC P-384 or RSA of 2048 to 8192 bits`,
      );
    }
    const now = checkNow(params.now);
    const ttl = params.ttlSeconds === undefined ? this.#defaultTtl : checkDuration(params.ttlSeconds, 'ttlSeconds', 1);
    const t = now.getTime();
    const notBefore = new Date(Math.floor((t - this.#backdateMs) / 1000) * 1000);
    let notAfter = new Date(Math.floor(t / 1000 + ttl) * 1000);
    if (notAfter.getTime() > this.#caNotAfter.getTime()) notAfter = this.#caNotAfter;
    if (t >= this.#caNotAfter.getTime()) {
      const expired = this.#caNotAfter.toISOString();
      throw new X509SvidInvalidError(`x509svid: the CA certificate expired at ${expired}; cannot issue at ${now.toISOString()}`);
    }
    const dnsNames = params.dnsNames === undefined || params.dnsNames.length === 0 ? undefined : validateDnsNames(params.dnsNames);
    const subject = params.subject === undefined ? undefined : encodeName(params.subject);
    const sanCritical = subject !== undefined && bytesEqual(subject, EMPTY_NAME);
    const serial = nextSerial();
    const serialHex = serial.toString('hex');
    const values: LeafValues = {
      serial,
      serialHex,
      notBefore,
      notAfter,
      subject,
      spki,
      keyKind: info.kind as KeyKind,
      keyBits: info.keyBits,
      subjectAltName: subjectAltNameExtension({ uris: [id.toString()], dnsNames }, sanCritical),
    };
    return { tbs: writeLeafTbs(this.#template, values), result: { serialNumber: serialHex, notBefore, notAfter } };
  }
}

function minted(r: Prepared['result'], certificate: Uint8Array): MintedX509Svid {
  return { certificate, serialNumber: r.serialNumber, notBefore: r.notBefore, notAfter: r.notAfter };
}

function keyFail(m: string): never {
  throw new KeyInvalidError(`x509svid: ${m}`);
}
