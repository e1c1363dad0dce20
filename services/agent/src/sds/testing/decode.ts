/**
 * Decoding of SDS resources on the test-client side: every `Any` is checked for the Secret type
 * URL and decoded with protobufjs, as is the SPIFFE validator config inside a validation context.
 * @module
 */
import { SECRET_TYPE_URL, SPIFFE_VALIDATOR_TYPE_URL, sdsProtos } from '../protos.js';

/** A decoded `Secret`. */
export interface DecodedSecret {
  readonly name: string;
  readonly type: 'tls_certificate' | 'validation_context' | 'other';
  /** `tls_certificate.certificate_chain.inline_bytes` (PEM). */
  readonly certificateChain?: string;
  /** `tls_certificate.private_key.inline_bytes` (PEM). */
  readonly privateKey?: string;
  /** `validation_context.trusted_ca.inline_bytes` (PEM). */
  readonly trustedCa?: string;
  /** `validation_context.custom_validator_config`, decoded. */
  readonly validator?: {
    readonly name: string;
    readonly typeUrl: string;
    readonly trustDomains: readonly { readonly name: string; readonly pem: string }[];
  };
  /** The encoded secret (the `Any` value). */
  readonly bytes: Buffer;
}

interface AnyLike {
  readonly type_url?: string;
  readonly value?: Uint8Array;
}

interface DataSourceObject {
  readonly inline_bytes?: Uint8Array;
}

interface SecretObject {
  readonly name?: string;
  readonly type?: string;
  readonly tls_certificate?: { readonly certificate_chain?: DataSourceObject; readonly private_key?: DataSourceObject };
  readonly validation_context?: {
    readonly trusted_ca?: DataSourceObject;
    readonly custom_validator_config?: { readonly name?: string; readonly typed_config?: AnyLike };
  };
}

function text(source: DataSourceObject | undefined): string | undefined {
  return source?.inline_bytes === undefined ? undefined : Buffer.from(source.inline_bytes).toString('utf8');
}

/** Decodes one `Any`, throwing if its type URL is not the Secret one. */
export function decodeSecretAny(any: AnyLike): DecodedSecret {
  if (any.type_url !== SECRET_TYPE_URL) throw new Error(`resource type_url is ${JSON.stringify(any.type_url)}, expected the Secret type URL`);
  const bytes = Buffer.from(any.value ?? new Uint8Array());
  const protos = sdsProtos();
  const secret = protos.Secret.toObject(protos.Secret.decode(bytes), { oneofs: true }) as SecretObject;
  const name = secret.name ?? '';
  if (secret.tls_certificate !== undefined && secret.tls_certificate !== null) {
    return {
      name,
      type: 'tls_certificate',
      certificateChain: text(secret.tls_certificate.certificate_chain),
      privateKey: text(secret.tls_certificate.private_key),
      bytes,
    };
  }
  const vc = secret.validation_context;
  if (vc !== undefined && vc !== null) {
    const custom = vc.custom_validator_config;
    if (custom === undefined || custom === null) return { name, type: 'validation_context', trustedCa: text(vc.trusted_ca), bytes };
    const typeUrl = custom.typed_config?.type_url ?? '';
    if (typeUrl !== SPIFFE_VALIDATOR_TYPE_URL) throw new Error(`custom validator typed_config has type_url ${JSON.stringify(typeUrl)}`);
    const config = protos.SpiffeValidatorConfig.toObject(protos.SpiffeValidatorConfig.decode(custom.typed_config?.value ?? new Uint8Array())) as {
      trust_domains?: { name?: string; trust_bundle?: DataSourceObject }[];
    };
    return {
      name,
      type: 'validation_context',
      validator: {
        name: custom.name ?? '',
        typeUrl,
        trustDomains: (config.trust_domains ?? []).map((td) => ({ name: td.name ?? '', pem: text(td.trust_bundle) ?? '' })),
      },
      ...(vc.trusted_ca === undefined || vc.trusted_ca === null ? {} : { trustedCa: text(vc.trusted_ca) }),
      bytes,
    };
  }
  return { name, type: 'other', bytes };
}
