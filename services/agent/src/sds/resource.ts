/**
 * What the SDS protocol state machines work with: encoded secrets under the name a client asked
 * for, each with a content version.
 * @module
 */

/** How bundles are delivered: Envoy's SPIFFE certificate validator, or plain `trusted_ca` PEM. */
export type ValidatorForm = 'spiffe' | 'trusted_ca';

/** The kind of secret a resource carries. */
export type SecretKind = 'tls_certificate' | 'validation_context';

/** A `google.protobuf.Any` as grpc-js serializes it. */
export interface EncodedAny {
  readonly type_url: string;
  readonly value: Uint8Array;
}

/** One encoded `Secret`, ready to send. Immutable; shared by every stream that sends it. */
export interface SdsResource {
  /** The name the client asked for; equal to the encoded `Secret.name`. */
  readonly name: string;
  /** Short hex hash of the encoded secret: equal content, equal version, on any agent, at any time. */
  readonly version: string;
  readonly kind: SecretKind;
  /** The encoded secret in an `Any` with the Secret type URL. Holds key material: never log it. */
  readonly any: EncodedAny;
  /**
   * The same `Any` as a `DiscoveryResponse.resources` field on the wire, when encoded ahead
   * (`any.value` is then a view into it). Holds key material: never log it.
   */
  readonly wire?: Uint8Array;
}

/** The secret of `name` as of some view, or `undefined` when the workload has none by that name. */
export type SecretLookup = (name: string) => SdsResource | undefined;

/** Why a response was sent (the `reason` attribute of the pushes counter). */
export type PushReason = 'initial' | 'subscribe' | 'update';

/** A NACK's error, as the client sent it. */
export interface NackDetail {
  readonly code: number;
  readonly message: string;
}
