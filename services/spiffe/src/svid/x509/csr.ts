/**
 * PKCS#10 certificate signing requests (RFC 2986): parsing with signature verification (the CA
 * side) and creation (the workload side).
 */
import { sign, type KeyObject } from 'node:crypto';
import { CsrInvalidError } from '../../errors.js';
import { SpiffeId } from '../../id/spiffe-id.js';
import { Oid } from '../../internal/der/oids.js';
import { DerReader, decodeBitString, decodeOid, decodeSmallUint, type Fail } from '../../internal/der/reader.js';
import { Tag, contextTag } from '../../internal/der/tags.js';
import { bitString, oid, sequence, setOf, smallInteger, tlv } from '../../internal/der/writer.js';
import { exportSpki, importSpki, inspectSpki, signatureAlgorithmFor, verifyAlgorithmFor, verifyWithSpki } from '../../internal/keys.js';
import { decodePem } from '../../internal/pem.js';
import { validateDnsNames } from './dns-name.js';
import { subjectAltNameExtension } from './encode-extensions.js';
import { decodeExtensions, readExtensions } from './extensions.js';
import { encodeName, type DistinguishedName } from './name.js';

/** A parsed certificate signing request whose self-signature has been verified. */
export interface Csr {
  /** The requested public key as DER SubjectPublicKeyInfo (pass it to `X509SvidMinter.mint`). */
  readonly subjectPublicKeyInfo: Uint8Array;
  /** The requested public key, imported (on first access). */
  readonly publicKey: KeyObject;
  /** URI SANs requested in the extensionRequest attribute (the CA decides the SPIFFE ID). */
  readonly uris: readonly string[];
  /** DNS SANs requested in the extensionRequest attribute (not validated). */
  readonly dnsNames: readonly string[];
  /** The requested subject Name (DER). */
  readonly subject: Uint8Array;
  /** The name of the signature algorithm, e.g. `ecdsa-with-SHA256`. */
  readonly signatureAlgorithm: string;
}

/**
 * Parses a PKCS#10 CSR (DER bytes, or PEM text with one `CERTIFICATE REQUEST` block), checks that
 * its key is EC P-256, EC P-384 or RSA (2048–8192 bits), and verifies its self-signature. Requested
 * extensions other than the SANs are ignored. Throws {@link CsrInvalidError} naming what is wrong.
 *
 * @example
 * ```ts
 * const csr = parseCsr(request.csrPem);
 * const leaf = minter.mint({ id: decidedId, publicKey: csr.subjectPublicKeyInfo });
 * ```
 */
export function parseCsr(input: string | Uint8Array): Csr {
  const fail: Fail = (m) => {
    throw new CsrInvalidError(`csr: ${m}`);
  };
  const der = csrBytes(input, fail);
  const top = new DerReader(der, fail, 'certificationRequest');
  const req = top.enter(Tag.SEQUENCE, '');
  top.expectEnd();
  const infoTlv = req.read(Tag.SEQUENCE, 'certificationRequestInfo');
  const alg = req.enter(Tag.SEQUENCE, 'signatureAlgorithm');
  const algOid = decodeOid(alg.read(Tag.OID, 'algorithm').value, fail, `${alg.path}.algorithm`);
  const params = alg.atEnd() ? undefined : alg.next('parameters');
  alg.expectEnd();
  const sig = decodeBitString(req.read(Tag.BIT_STRING, 'signature').value, fail, `${req.path}.signature`);
  req.expectEnd();

  const info = req.sub(infoTlv.value, 'certificationRequestInfo');
  const version = decodeSmallUint(info.read(Tag.INTEGER, 'version').value, fail, `${info.path}.version`);
  if (version !== 0) info.fail('version', `must be 0 (v1), got ${version}`);
  const subject = info.read(Tag.SEQUENCE, 'subject').raw;
  const spki = info.read(Tag.SEQUENCE, 'subjectPKInfo').raw;
  let uris: readonly string[] = [];
  let dnsNames: readonly string[] = [];
  const attrs = info.atEnd() ? undefined : info.enter(contextTag(0, true), 'attributes');
  info.expectEnd();
  while (attrs !== undefined && !attrs.atEnd()) {
    const attr = attrs.enter(Tag.SEQUENCE, 'attribute');
    const type = decodeOid(attr.read(Tag.OID, 'type').value, fail, `${attr.path}.type`);
    const values = attr.enter(Tag.SET, 'values');
    attr.expectEnd();
    if (type !== Oid.extensionRequest) continue;
    const exts = readExtensions(values.enter(Tag.SEQUENCE, 'extensionRequest'), fail);
    if (!values.atEnd()) values.fail('', 'extensionRequest must have exactly one value');
    const san = decodeExtensions(exts, fail, `${attrs.path}.extensionRequest`).subjectAltName;
    uris = san?.uris ?? [];
    dnsNames = san?.dnsNames ?? [];
  }

  const key = inspectSpki(spki, fail, 'certificationRequestInfo.subjectPKInfo');
  if (key.kind === 'unsupported') fail(`the public key is ${key.description}; only EC P-256, EC P-384 and RSA (2048–8192 bits) are accepted`);
  const va = verifyAlgorithmFor(algOid);
  if (va === undefined || va.keyType === 'ed25519') fail(`signature algorithm ${algOid} is not supported`);
  if (va.nullParams ? params !== undefined && params.tag !== Tag.NULL : params !== undefined) {
    fail(`signatureAlgorithm ${va.name} has invalid parameters`);
  }
  if ((va.keyType === 'rsa') !== (key.kind === 'rsa')) fail(`signature algorithm ${va.name} does not fit a ${key.description} key`);
  if (sig.unusedBits !== 0) fail('signature must be a whole number of octets');
  const keyPath = 'certificationRequestInfo.subjectPKInfo';
  if (!verifyWithSpki(va.hash, infoTlv.raw, spki, sig.bytes, fail, keyPath)) fail('the signature does not verify with the requested public key');
  let publicKey: KeyObject | undefined;
  return {
    subjectPublicKeyInfo: spki,
    // Imported when first asked for: verification does not need it, and a CA mints from the SPKI.
    get publicKey(): KeyObject {
      return (publicKey ??= importSpki(spki, fail, keyPath));
    },
    uris,
    dnsNames,
    subject,
    signatureAlgorithm: va.name,
  };
}

function csrBytes(input: string | Uint8Array, fail: Fail): Uint8Array {
  if (input instanceof Uint8Array) return input;
  if (typeof input !== 'string') throw new TypeError('parseCsr expects PEM text or DER bytes');
  const blocks = decodePem(input, CsrInvalidError);
  const csrs = blocks.filter((b) => b.label === 'CERTIFICATE REQUEST' || b.label === 'NEW CERTIFICATE REQUEST');
  if (csrs.length !== 1) return fail(`expected exactly one PEM CERTIFICATE REQUEST block, found ${csrs.length}`);
  return csrs[0]!.der;
}

/** Parameters of {@link createCsr}. */
export interface CreateCsrParams {
  /** The key to request a certificate for; it signs the request. */
  readonly privateKey: KeyObject;
  /** A SPIFFE ID to request as URI SAN (the CA may ignore it). */
  readonly id?: SpiffeId;
  /** DNS SANs to request, validated. */
  readonly dnsNames?: readonly string[];
  /** Subject name (default: empty). */
  readonly subject?: DistinguishedName;
}

/**
 * Creates a DER PKCS#10 CSR signed by `privateKey`, requesting the given SANs. Throws
 * `X509SvidInvalidError` for a bad DNS name or subject attribute.
 *
 * @example
 * ```ts
 * const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
 * const csrDer = createCsr({ privateKey, id: SpiffeId.parse('spiffe://example.org/web') });
 * ```
 */
export function createCsr(params: CreateCsrParams): Uint8Array {
  const { privateKey } = params;
  if (privateKey == null || privateKey.type !== 'private') throw new TypeError('privateKey must be a private KeyObject');
  if (params.id !== undefined && !(params.id instanceof SpiffeId)) throw new TypeError('id must be a SpiffeId');
  const alg = signatureAlgorithmFor(privateKey);
  const uris = params.id === undefined ? [] : [params.id.toString()];
  const dnsNames = params.dnsNames === undefined ? [] : validateDnsNames(params.dnsNames);
  const attributes: Uint8Array[] = [];
  if (uris.length + dnsNames.length > 0) {
    const extensions = sequence(subjectAltNameExtension({ uris, dnsNames }));
    attributes.push(sequence(oid(Oid.extensionRequest), setOf(extensions)));
  }
  const info = sequence(
    smallInteger(0),
    encodeName(params.subject ?? {}),
    exportSpki(privateKey),
    tlv(contextTag(0, true), ...attributes),
  );
  return sequence(info, alg.identifier, bitString(sign(alg.hash, info, privateKey)));
}
