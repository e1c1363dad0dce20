/**
 * Which validation-context form a stream gets, from the Envoy node of its first request — the
 * rule of SPIRE's agent: Envoy's SPIFFE certificate validator when Envoy is 1.18 or newer (or
 * does not say), unless validation is disabled; plain `trusted_ca` otherwise. Node metadata
 * `disable_spiffe_cert_validation` (a bool, or a string parsed as a bool) overrides the agent
 * setting either way.
 * @module
 */
import type { ValidatorForm } from './resource.js';

/** The parts of `envoy.config.core.v3.Node` read here, as proto-loader decodes them. */
export interface NodeLike {
  readonly user_agent_build_version?: { readonly version?: { readonly major_number?: number; readonly minor_number?: number } | null } | null;
  readonly metadata?: { readonly fields?: Readonly<Record<string, StructValueLike | undefined>> | null } | null;
}

/**
 * A decoded `google.protobuf.Value`. proto-loader decodes the well-known Struct types with
 * camelCase field names (`boolValue`, `kind: 'boolValue'`) even with `keepCase`; snake_case is
 * accepted too.
 */
export interface StructValueLike {
  readonly kind?: string;
  readonly boolValue?: boolean;
  readonly stringValue?: string;
  readonly bool_value?: boolean;
  readonly string_value?: string;
}

/** The node metadata key that turns the SPIFFE validator off (or on). */
export const DISABLE_SPIFFE_VALIDATION_KEY = 'disable_spiffe_cert_validation';

/** The validation-context form for a stream whose first request carried `node` (possibly none). */
export function validatorFormFor(node: NodeLike | null | undefined, disabledByDefault: boolean): ValidatorForm {
  const disabled = metadataBool(node, DISABLE_SPIFFE_VALIDATION_KEY) ?? disabledByDefault;
  return supportsSpiffeValidator(node) && !disabled ? 'spiffe' : 'trusted_ca';
}

/** Whether the node's Envoy has the SPIFFE validator: build version ≥ 1.18, or no build version given. */
export function supportsSpiffeValidator(node: NodeLike | null | undefined): boolean {
  const version = node?.user_agent_build_version?.version;
  if (version == null) return true;
  const major = Number(version.major_number ?? 0);
  const minor = Number(version.minor_number ?? 0);
  return major > 1 || (major === 1 && minor >= 18);
}

/** A boolean node metadata field: a bool value, or a string Go's `strconv.ParseBool` accepts. */
export function metadataBool(node: NodeLike | null | undefined, key: string): boolean | undefined {
  const value = node?.metadata?.fields?.[key];
  if (value == null) return undefined;
  const bool = value.boolValue ?? value.bool_value;
  const text = value.stringValue ?? value.string_value;
  const kind = value.kind ?? (typeof bool === 'boolean' ? 'boolValue' : typeof text === 'string' ? 'stringValue' : undefined);
  if (kind === 'boolValue' || kind === 'bool_value') return bool === true;
  if (kind === 'stringValue' || kind === 'string_value') return parseBool(text ?? '');
  return undefined;
}

/** Go's `strconv.ParseBool`: 1, t, T, TRUE, true, True / 0, f, F, FALSE, false, False; else `undefined`. */
export function parseBool(text: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false;
  return undefined;
}
