/**
 * `<data dir>/endpoints.json`: the addresses a running Signet actually bound (ports may be 0
 * in the config), written once everything is ready, atomically, so scripts and tests can wait
 * for it and read it whole.
 */
import { mkdir, rename, writeFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** The file name inside the data directory. */
export const ENDPOINTS_FILE = 'endpoints.json';

/** What `endpoints.json` holds; later services add their listeners. */
export interface EndpointsDocument {
  readonly trust_domain: string;
  readonly pid: number;
  readonly started_at: string;
  readonly health: { readonly live: string; readonly ready: string };
  readonly metrics?: string;
  readonly database?: { readonly engine: string };
  readonly [extra: string]: unknown;
}

/** Writes the document atomically (temp file + rename); returns its path. */
export async function writeEndpointsFile(dataDir: string, doc: EndpointsDocument): Promise<string> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, ENDPOINTS_FILE);
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(doc, null, 2)}\n`, { mode: 0o644 });
  await rename(tmp, path);
  return path;
}

/** Removes the file at shutdown, so a stale one never names dead addresses. */
export async function removeEndpointsFile(dataDir: string): Promise<void> {
  await rm(join(dataDir, ENDPOINTS_FILE), { force: true });
}

/** What every process writes: trust domain, pid, start time, health and metrics URLs. */
export function processEndpoints(rt: { config: { trust_domain: string }; healthAddress: { url: string }; telemetry: { metricsHandler?: unknown; metricsAddress?: { url: string } | undefined } }): EndpointsDocument {
  return {
    trust_domain: rt.config.trust_domain,
    pid: process.pid,
    started_at: new Date().toISOString(),
    health: { live: `${rt.healthAddress.url}/healthz/live`, ready: `${rt.healthAddress.url}/healthz/ready` },
    ...(rt.telemetry.metricsHandler ? { metrics: `${rt.healthAddress.url}/metrics` } : {}),
    ...(rt.telemetry.metricsAddress ? { metrics: `${rt.telemetry.metricsAddress.url}/metrics` } : {}),
  };
}
