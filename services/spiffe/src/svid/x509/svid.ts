import type { KeyObject } from 'node:crypto';
import { KeyInvalidError, X509SvidInvalidError } from '../../errors.js';
import type { SpiffeId } from '../../id/spiffe-id.js';
import { DerReader } from '../../internal/der/reader.js';
import { Tag } from '../../internal/der/tags.js';
import { keyKindOf, parsePrivateKey, privateKeyMatchesSpki } from '../../internal/keys.js';
import { decodePem, encodePem } from '../../internal/pem.js';
import { parseCertificate, serialNumberHex } from './certificate.js';
import { splitDerCertificates } from './encoding.js';
import { validateLeaf, validateSigningCertificate } from './rules.js';

/** Facts about an SVID's leaf certificate. */
export interface X509SvidLeafInfo {
  /** Serial number, lower-case hex without a sign octet. */
  readonly serialNumber: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** DNS SANs, in certificate order. */
  readonly dnsNames: readonly string[];
  /** The leaf's public key, DER SubjectPublicKeyInfo. */
  readonly subjectPublicKeyInfo: Uint8Array;
}

/**
 * An X.509-SVID with its private key: a leaf certificate (and optional intermediates) that passed
 * the rules of X509-SVID §2–§5.2 and whose private key matches the leaf. Immutable. Parsing checks
 * the document, not trust: use {@link verifyX509Svid} to check a peer's chain against a bundle.
 *
 * @example
 * ```ts
 * const svid = X509Svid.parse(certsPem, keyPem);
 * svid.id.toString();           // 'spiffe://example.org/web'
 * svid.leaf.notAfter;           // Date
 * const { certificates, privateKey } = svid.marshal(); // PEM again
 * ```
 */
export class X509Svid {
  readonly #id: SpiffeId;
  readonly #certificates: readonly Uint8Array[];
  readonly #privateKey: KeyObject;
  readonly #leaf: X509SvidLeafInfo;

  private constructor(id: SpiffeId, certificates: readonly Uint8Array[], privateKey: KeyObject, leaf: X509SvidLeafInfo) {
    this.#id = id;
    this.#certificates = certificates;
    this.#privateKey = privateKey;
    this.#leaf = leaf;
  }

  /**
   * Builds an SVID from DER certificates (leaf first) and a private key, validating the leaf
   * (X509-SVID §2–§5.2), every further certificate as a signing certificate (cA, keyCertSign,
   * §3.2/§4.1/§4.3), and that the key matches the leaf. Throws {@link X509SvidInvalidError},
   * or {@link KeyInvalidError} when the key does not match.
   */
  static fromParts(certificates: readonly Uint8Array[], privateKey: KeyObject): X509Svid {
    if (!Array.isArray(certificates)) throw new TypeError('certificates must be an array of DER certificates');
    if (privateKey == null || privateKey.type !== 'private') throw new TypeError('privateKey must be a private KeyObject');
    if (certificates.length === 0) throw new X509SvidInvalidError('x509svid: no certificates found; the leaf certificate is required');
    const certs = certificates.map((c) => Uint8Array.from(c));
    const parsed = certs.map((der, i) => parseCertificate(der, i === 0 ? 'leaf certificate' : `certificate ${i}`));
    const leaf = parsed[0]!;
    const id = validateLeaf(leaf);
    parsed.slice(1).forEach((c, i) => validateSigningCertificate(c, `certificate ${i + 1} (an intermediate)`));
    keyKindOf(privateKey);
    if (!privateKeyMatchesSpki(privateKey, leaf.subjectPublicKeyInfo)) {
      throw new KeyInvalidError('x509svid: the private key does not match the public key of the leaf certificate');
    }
    const info: X509SvidLeafInfo = {
      serialNumber: serialNumberHex(leaf),
      notBefore: leaf.notBefore,
      notAfter: leaf.notAfter,
      dnsNames: [...(leaf.ext.subjectAltName?.dnsNames ?? [])],
      subjectPublicKeyInfo: leaf.subjectPublicKeyInfo,
    };
    return new X509Svid(id, certs, privateKey, info);
  }

  /**
   * Parses PEM: `certificates` holds `CERTIFICATE` blocks (leaf first), `privateKey` one PKCS#8
   * `PRIVATE KEY`, SEC1 `EC PRIVATE KEY` or PKCS#1 `RSA PRIVATE KEY` block. Both may be the same text.
   */
  static parse(certificates: string, privateKey: string): X509Svid {
    if (typeof certificates !== 'string' || typeof privateKey !== 'string') throw new TypeError('X509Svid.parse expects PEM strings');
    const blocks = decodePem(certificates, X509SvidInvalidError).filter((b) => !b.label.endsWith('PRIVATE KEY'));
    const other = blocks.find((b) => b.label !== 'CERTIFICATE');
    if (other !== undefined) throw new X509SvidInvalidError(`x509svid: unexpected PEM block "${other.label}" among the certificates`);
    return X509Svid.fromParts(blocks.map((b) => b.der), parsePrivateKey(privateKey));
  }

  /**
   * Parses DER: `certificates` is the concatenation of DER certificates (or an array of them), leaf
   * first; `privateKey` is a PKCS#8 (or SEC1 / PKCS#1) DER key.
   */
  static parseRaw(certificates: Uint8Array | readonly Uint8Array[], privateKey: Uint8Array): X509Svid {
    const list = certificates instanceof Uint8Array ? splitDerCertificates(certificates) : certificates;
    return X509Svid.fromParts(list, parsePrivateKey(privateKey));
  }

  /** The SPIFFE ID of the leaf. */
  get id(): SpiffeId {
    return this.#id;
  }

  /** The certificates as DER, leaf first. Do not mutate. */
  get certificates(): readonly Uint8Array[] {
    return this.#certificates;
  }

  /** The private key of the leaf. */
  get privateKey(): KeyObject {
    return this.#privateKey;
  }

  /** Facts about the leaf certificate. */
  get leaf(): X509SvidLeafInfo {
    return this.#leaf;
  }

  /** PEM text: the chain as `CERTIFICATE` blocks (leaf first), the key as a PKCS#8 `PRIVATE KEY` block. */
  marshal(): { certificates: string; privateKey: string } {
    return {
      certificates: this.#certificates.map((c) => encodePem('CERTIFICATE', c)).join(''),
      privateKey: this.#privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    };
  }

  /** DER: the concatenated certificates (leaf first) and the PKCS#8 key. */
  marshalRaw(): { certificates: Uint8Array; privateKey: Uint8Array } {
    return {
      certificates: new Uint8Array(Buffer.concat(this.#certificates)),
      privateKey: new Uint8Array(this.#privateKey.export({ format: 'der', type: 'pkcs8' })),
    };
  }
}
