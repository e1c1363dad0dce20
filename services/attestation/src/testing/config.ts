/**
 * The `attestation` config section as a test wants it: defaults, plus overrides by dotted
 * path below `attestation.` (e.g. `{ 'sync.max_entries_per_message': 100 }`).
 * @module
 */
import { configSchema, loadConfig } from '@signet/platform';
import { attestationSection, type AttestationConfig } from '../config.js';

/** A validated config section. */
export function testConfig(overrides: Readonly<Record<string, unknown>> = {}): AttestationConfig {
  const prefixed = Object.fromEntries(Object.entries(overrides).map(([k, v]) => [`attestation.${k}`, v]));
  return loadConfig({ schema: configSchema(attestationSection), overrides: prefixed }).config.attestation;
}
