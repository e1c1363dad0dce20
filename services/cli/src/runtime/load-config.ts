/**
 * Loading Signet's config for a CLI command: `--config FILE` (or `SIGNET_CONFIG`), the
 * environment, then the `--data-dir` and `--trust-domain` flags on top.
 */
import { TrustDomain } from '@signet/spiffe';
import { configSchema, coreSections, defineSection, loadConfig, s, type ConfigOf, type LoadedConfig } from '@signet/platform';
import { caSection } from '@signet/ca';
import { registrarSection } from '@signet/registrar';
import { attestationSection } from '@signet/attestation';
import { agentSection } from '@signet/agent';
import { federationSection } from '@signet/federation';

/**
 * The `server` section: where the control plane listens for agents (TLS with the server's SVID).
 * The admin sockets are always `<data dir>/admin.sock` (gRPC) and `<data dir>/admin-http.sock` (REST).
 */
export const serverSection = defineSection(
  'server',
  s.object({
    host: s.string({ minLength: 1 }).default('127.0.0.1'),
    port: s.int({ min: 0, max: 65535 }).default(8081),
    /** Standalone `signet attestation` only: host:port of a CA process (`signet ca` or `signet server`). */
    ca_address: s.string({ minLength: 1 }).optional(),
  }),
);

/** The schema of everything this build of Signet reads from its config file. */
export const signetConfigSchema = configSchema(
  coreSections({
    checkTrustDomain: (v) => {
      TrustDomain.parse(v);
      return undefined;
    },
  }),
  serverSection,
  caSection,
  registrarSection,
  attestationSection,
  federationSection,
  agentSection,
);

/** The typed config of this build. */
export type SignetConfig = ConfigOf<typeof signetConfigSchema>;

/** The flags every process-starting command shares. */
export const processFlags = {
  config: { type: 'string', value: 'FILE', description: 'YAML config file (also SIGNET_CONFIG); without one the defaults run' },
  'data-dir': { type: 'string', value: 'DIR', description: 'data directory (overrides data_dir)' },
  'trust-domain': { type: 'string', value: 'NAME', description: 'trust domain (overrides trust_domain)' },
} as const;

/** Loads the config from flags and environment; throws a `ConfigError` listing every problem. */
export function loadSignetConfig(
  flags: Readonly<Record<string, unknown>>,
  env: Readonly<Record<string, string | undefined>>,
): LoadedConfig<SignetConfig> {
  const file = (flags.config as string | undefined) ?? (env.SIGNET_CONFIG || undefined);
  const overrides: Record<string, unknown> = {};
  if (typeof flags['data-dir'] === 'string') overrides.data_dir = flags['data-dir'];
  if (typeof flags['trust-domain'] === 'string') overrides.trust_domain = flags['trust-domain'];
  return loadConfig({ schema: signetConfigSchema, ...(file ? { file } : {}), env, overrides });
}
