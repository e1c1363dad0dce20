/**
 * Configuration of the SDS server: the secret names it answers to and how it builds validation
 * contexts. Defaults are SPIRE-compatible, so an Envoy configuration written for SPIRE's agent
 * works unchanged.
 * @module
 */

/** Settings of the SDS server; every field is optional and defaults as documented. */
export interface SdsConfig {
  /** Name of the workload's first (default) X.509-SVID. Default `default`. */
  readonly defaultSvidName?: string;
  /** Name of the own trust domain's bundle (as a validation context). Default `ROOTCA`. */
  readonly defaultBundleName?: string;
  /** Name of the validation context holding the own bundle and every federated one. Default `ALL`. */
  readonly allBundlesName?: string;
  /**
   * Serve bundles as plain `trusted_ca` instead of Envoy's SPIFFE certificate validator, unless
   * the Envoy node's metadata `disable_spiffe_cert_validation` says otherwise. Default `false`.
   */
  readonly disableSpiffeCertValidation?: boolean;
  /**
   * CA rotation order: how long SVID pushes wait, at most, for the bundle pushes of the same
   * change to be ACKed or NACKed, in milliseconds. Default 2000.
   */
  readonly bundleFirstTimeoutMs?: number;
  /** How many recent NACKs {@link SdsService.lastNacks} keeps. Default 64. */
  readonly nackHistory?: number;
}

/** {@link SdsConfig} with every default applied. */
export type ResolvedSdsConfig = { readonly [K in keyof SdsConfig]-?: NonNullable<SdsConfig[K]> };

/** The defaults of {@link SdsConfig}. */
export const SDS_CONFIG_DEFAULTS: ResolvedSdsConfig = Object.freeze({
  defaultSvidName: 'default',
  defaultBundleName: 'ROOTCA',
  allBundlesName: 'ALL',
  disableSpiffeCertValidation: false,
  bundleFirstTimeoutMs: 2000,
  nackHistory: 64,
});

/**
 * Applies the defaults to `config` and checks it: names must be non-empty and distinct, the
 * timeout and history size non-negative integers. Throws a `TypeError` naming the field.
 */
export function resolveSdsConfig(config: SdsConfig = {}): ResolvedSdsConfig {
  const resolved: ResolvedSdsConfig = {
    defaultSvidName: config.defaultSvidName ?? SDS_CONFIG_DEFAULTS.defaultSvidName,
    defaultBundleName: config.defaultBundleName ?? SDS_CONFIG_DEFAULTS.defaultBundleName,
    allBundlesName: config.allBundlesName ?? SDS_CONFIG_DEFAULTS.allBundlesName,
    disableSpiffeCertValidation: config.disableSpiffeCertValidation ?? SDS_CONFIG_DEFAULTS.disableSpiffeCertValidation,
    bundleFirstTimeoutMs: config.bundleFirstTimeoutMs ?? SDS_CONFIG_DEFAULTS.bundleFirstTimeoutMs,
    nackHistory: config.nackHistory ?? SDS_CONFIG_DEFAULTS.nackHistory,
  };
  const names = ['defaultSvidName', 'defaultBundleName', 'allBundlesName'] as const;
  for (const field of names) {
    const value = resolved[field];
    if (typeof value !== 'string' || value === '') throw new TypeError(`sds.${field}: must be a non-empty string`);
    if (value.startsWith('spiffe://')) throw new TypeError(`sds.${field}: must not be a SPIFFE ID ("${value}")`);
  }
  if (new Set(names.map((f) => resolved[f])).size !== names.length) {
    throw new TypeError('sds: defaultSvidName, defaultBundleName and allBundlesName must be distinct');
  }
  for (const field of ['bundleFirstTimeoutMs', 'nackHistory'] as const) {
    const value = resolved[field];
    if (!Number.isInteger(value) || value < 0) throw new TypeError(`sds.${field}: must be a non-negative integer`);
  }
  if (typeof resolved.disableSpiffeCertValidation !== 'boolean') {
    throw new TypeError('sds.disableSpiffeCertValidation: must be a boolean');
  }
  return Object.freeze(resolved);
}
