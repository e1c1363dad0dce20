/**
 * Encodes the two kinds of SDS secrets: an X.509-SVID as `tls_certificate`, and trust bundles
 * as a `validation_context` (SPIFFE validator or `trusted_ca`). Output is deterministic: equal
 * inputs give byte-identical secrets and therefore equal versions.
 * @module
 */
import type { TrustBundle, WorkloadSvid } from '../domain/view.js';
import { contentVersion } from './digest.js';
import { certificatesPem, pemBlockLength, writePemBlock } from './pem.js';
import { fieldSize, stringFieldSize, writeFieldHeader, writeStringField } from './protobuf-wire.js';
import { SECRET_TYPE_URL, SPIFFE_VALIDATOR_NAME, SPIFFE_VALIDATOR_TYPE_URL, sdsProtos } from './protos.js';
import type { SdsResource, ValidatorForm } from './resource.js';
import { allocResourceField, encodeResourceField } from './response-wire.js';

/**
 * The `tls_certificate` secret of `svid` under `name`: the chain (leaf first) as PEM and the
 * PKCS#8 key as PEM, both `inline_bytes`. Written straight into the buffer of its `resources`
 * field, PEM included: the bytes protobufjs would give for
 * `Secret { name, tls_certificate { certificate_chain { inline_bytes }, private_key { inline_bytes } } }`.
 */
export function encodeTlsCertificate(name: string, svid: WorkloadSvid): SdsResource {
  let chainLength = 0;
  for (const der of svid.certChain) chainLength += pemBlockLength('CERTIFICATE', der.byteLength);
  const keyLength = pemBlockLength('PRIVATE KEY', svid.privateKey.byteLength);
  const chainSource = fieldSize(chainLength); // DataSource { inline_bytes = 2 }
  const keySource = fieldSize(keyLength);
  const tlsCertificate = fieldSize(chainSource) + fieldSize(keySource); // { certificate_chain = 1, private_key = 2 }
  const secretLength = stringFieldSize(name) + fieldSize(tlsCertificate); // Secret { name = 1, tls_certificate = 2 }
  const { field, valueAt } = allocResourceField(SECRET_TYPE_URL, secretLength);
  let pos = writeStringField(field, valueAt, 0x0a, name);
  pos = writeFieldHeader(field, pos, 0x12, tlsCertificate);
  pos = writeFieldHeader(field, pos, 0x0a, chainSource);
  pos = writeFieldHeader(field, pos, 0x12, chainLength);
  for (const der of svid.certChain) pos = writePemBlock(field, pos, 'CERTIFICATE', der);
  pos = writeFieldHeader(field, pos, 0x12, keySource);
  pos = writeFieldHeader(field, pos, 0x12, keyLength);
  pos = writePemBlock(field, pos, 'PRIVATE KEY', svid.privateKey);
  if (pos !== field.byteLength) throw new Error(`SDS: internal error: secret length ${pos} ≠ ${field.byteLength}`);
  const value = field.subarray(valueAt);
  return Object.freeze({
    name,
    kind: 'tls_certificate',
    version: contentVersion(value),
    any: Object.freeze({ type_url: SECRET_TYPE_URL, value }),
    wire: field,
  });
}

/**
 * The `validation_context` secret of `bundles` under `name`, sorted by trust domain name. In the
 * `spiffe` form: Envoy's SPIFFE certificate validator with one `trust_domains` entry per bundle
 * (name without scheme, roots as PEM). In the `trusted_ca` form: every root of every bundle, as
 * one PEM list. Bundles must be non-empty and hold at least one X.509 authority each.
 */
export function encodeValidationContext(name: string, bundles: readonly TrustBundle[], form: ValidatorForm): SdsResource {
  if (bundles.length === 0) throw new RangeError('a validation context needs at least one bundle');
  const sorted = [...bundles].sort((a, b) => (a.trustDomain < b.trustDomain ? -1 : a.trustDomain > b.trustDomain ? 1 : 0));
  for (const bundle of sorted) {
    if (bundle.x509Authorities.length === 0) throw new RangeError(`bundle of ${bundle.trustDomain} has no X.509 authority`);
  }
  const protos = sdsProtos();
  const validation_context =
    form === 'spiffe'
      ? {
          custom_validator_config: {
            name: SPIFFE_VALIDATOR_NAME,
            typed_config: {
              type_url: SPIFFE_VALIDATOR_TYPE_URL,
              value: protos.SpiffeValidatorConfig.encode({
                trust_domains: sorted.map((bundle) => ({
                  name: bundle.trustDomain,
                  trust_bundle: { inline_bytes: certificatesPem(bundle.x509Authorities) },
                })),
              }).finish(),
            },
          },
        }
      : { trusted_ca: { inline_bytes: certificatesPem(sorted.flatMap((bundle) => bundle.x509Authorities)) } };
  return resource(name, 'validation_context', protos.Secret.encode({ name, validation_context }).finish());
}

function resource(name: string, kind: SdsResource['kind'], bytes: Uint8Array): SdsResource {
  const { field, value } = encodeResourceField(SECRET_TYPE_URL, bytes);
  return Object.freeze({
    name,
    kind,
    version: contentVersion(value),
    any: Object.freeze({ type_url: SECRET_TYPE_URL, value }),
    wire: field,
  });
}
