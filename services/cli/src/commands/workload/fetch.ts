/**
 * `signet fetch x509|jwt|bundles`, `signet validate jwt` and `signet watch`: a workload's view
 * of the SPIFFE Workload API, like spire-agent's `api` commands.
 * @module
 */
import { X509Certificate } from 'node:crypto';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { unaryCall } from '@signet/platform';
import { UsageError, type Command } from '../../command.js';
import { printData } from '../../output.js';
import { listFlag, requiredFlag, stringFlag } from '../admin/flags.js';
import { firstMessage, timeoutMs, withWorkloadApi, workloadFlags, workloadMetadata } from './client.js';
import { encodePem, splitDerCertificates } from '@signet/spiffe';

interface X509SvidMessage {
  spiffe_id: string;
  x509_svid: Buffer;
  x509_svid_key: Buffer;
  bundle: Buffer;
  hint: string;
}
interface X509SvidResponse {
  svids: X509SvidMessage[];
  federated_bundles: Record<string, Buffer>;
}

/** A printable summary of an X509SVIDResponse (no key material). */
export function summarizeX509(res: X509SvidResponse) {
  return {
    svids: res.svids.map((s) => {
      const chain = splitDerCertificates(s.x509_svid).map((d) => new X509Certificate(d));
      return {
        spiffe_id: s.spiffe_id,
        hint: s.hint,
        serial: chain[0]?.serialNumber.toLowerCase() ?? '',
        not_after: chain[0] ? new Date(chain[0].validTo).toISOString() : '',
        chain_length: chain.length,
        bundle_authorities: splitDerCertificates(s.bundle).length,
      };
    }),
    federated_trust_domains: Object.keys(res.federated_bundles).sort(),
  };
}

/** Writes svid.N.pem, svid.N.key (0600), bundle.N.pem and federated_bundle.N.M.pem, as spire-agent does. */
async function writeX509(dir: string, res: X509SvidResponse): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  const put = async (name: string, content: string, mode: number) => {
    const path = join(dir, name);
    await writeFile(path, content, { mode });
    await chmod(path, mode);
    written.push(path);
  };
  const federated = Object.keys(res.federated_bundles).sort();
  for (const [i, s] of res.svids.entries()) {
    await put(`svid.${i}.pem`, splitDerCertificates(s.x509_svid).map((d) => encodePem('CERTIFICATE', d)).join(''), 0o644);
    await put(`svid.${i}.key`, encodePem('PRIVATE KEY', s.x509_svid_key), 0o600);
    await put(`bundle.${i}.pem`, splitDerCertificates(s.bundle).map((d) => encodePem('CERTIFICATE', d)).join(''), 0o644);
    for (const [j, td] of federated.entries()) {
      await put(`federated_bundle.${i}.${j}.pem`, splitDerCertificates(res.federated_bundles[td]!).map((d) => encodePem('CERTIFICATE', d)).join(''), 0o644);
    }
  }
  return written;
}

export const fetchX509Command: Command = {
  path: ['fetch', 'x509'],
  summary: 'Fetch this process\'s X.509-SVIDs from the Workload API',
  description: 'Prints each SVID (SPIFFE ID, hint, expiry). With --write DIR, writes svid.N.pem, svid.N.key (mode 0600),\nbundle.N.pem and federated_bundle.N.M.pem there.',
  flags: { ...workloadFlags, write: { type: 'string', value: 'DIR', description: 'write the SVIDs, keys and bundles as PEM files into DIR' } },
  printsData: true,
  examples: ['signet fetch x509 --socket /run/signet/agent.sock', 'signet fetch x509 --write ./certs'],
  async run(ctx) {
    const res = await withWorkloadApi(ctx, (client) => firstMessage<X509SvidResponse>(client.FetchX509SVID({}, workloadMetadata()), timeoutMs(ctx)));
    const dir = stringFlag(ctx, 'write');
    const files = dir ? await writeX509(dir, res) : [];
    const summary = { ...summarizeX509(res), ...(dir ? { written: files } : {}) };
    printData(ctx.stdout, ctx.output, summary, (s) => ({
      columns: ['SPIFFE ID', 'HINT', 'EXPIRES', 'SERIAL'],
      rows: s.svids.map((v) => [v.spiffe_id, v.hint, v.not_after, v.serial]),
    }));
  },
};

export const fetchJwtCommand: Command = {
  path: ['fetch', 'jwt'],
  summary: 'Fetch a JWT-SVID for an audience from the Workload API',
  description: 'Prints each token on its own line (table output), or the JWTSVIDResponse as JSON.',
  flags: {
    ...workloadFlags,
    audience: { type: 'string', value: 'AUDIENCE', multiple: true, description: 'audience of the token (required)' },
    'spiffe-id': { type: 'string', value: 'ID', description: 'only this identity (default: every identity of the process)' },
  },
  printsData: true,
  examples: ['signet fetch jwt --audience spiffe://example.org/db'],
  async run(ctx) {
    const audience = listFlag(ctx, 'audience');
    if (audience.length === 0) throw new UsageError('--audience is required');
    const spiffeId = stringFlag(ctx, 'spiffe-id') ?? '';
    const res = await withWorkloadApi(ctx, (client) =>
      unaryCall<{ svids: Array<{ spiffe_id: string; svid: string; hint: string }> }>((cb) =>
        client.FetchJWTSVID({ audience, spiffe_id: spiffeId }, workloadMetadata(), { deadline: Date.now() + timeoutMs(ctx) }, cb),
      ),
    );
    printData(ctx.stdout, ctx.output, res, (r) => r.svids.map((s) => s.svid).join('\n'));
  },
};

export const fetchBundlesCommand: Command = {
  path: ['fetch', 'bundles'],
  summary: 'Fetch the X.509 and JWT bundles this process may trust',
  flags: workloadFlags,
  printsData: true,
  examples: ['signet fetch bundles'],
  async run(ctx) {
    const ms = timeoutMs(ctx);
    const [x509, jwt] = await withWorkloadApi(ctx, (client) =>
      Promise.all([
        firstMessage<{ bundles: Record<string, Buffer> }>(client.FetchX509Bundles({}, workloadMetadata()), ms),
        firstMessage<{ bundles: Record<string, Buffer> }>(client.FetchJWTBundles({}, workloadMetadata()), ms),
      ]),
    );
    const tds = [...new Set([...Object.keys(x509.bundles), ...Object.keys(jwt.bundles)])].sort();
    const data = tds.map((td) => ({
      trust_domain: td,
      x509_authorities: x509.bundles[td] ? splitDerCertificates(x509.bundles[td]).map((d) => encodePem('CERTIFICATE', d)) : [],
      jwt_keys: jwt.bundles[td] ? (JSON.parse(jwt.bundles[td].toString()) as { keys: unknown[] }).keys : [],
    }));
    printData(ctx.stdout, ctx.output, data, (d) => ({
      columns: ['TRUST DOMAIN', 'X.509 AUTHORITIES', 'JWT KEYS'],
      rows: d.map((b) => [b.trust_domain, b.x509_authorities.length, b.jwt_keys.length]),
    }));
  },
};

export const validateJwtCommand: Command = {
  path: ['validate', 'jwt'],
  summary: 'Validate a JWT-SVID through the Workload API',
  flags: {
    ...workloadFlags,
    audience: { type: 'string', value: 'AUDIENCE', description: 'the audience this validator identifies with (required)' },
    svid: { type: 'string', value: 'TOKEN', description: 'the JWT-SVID to validate (required)' },
  },
  printsData: true,
  examples: ['signet validate jwt --audience spiffe://example.org/db --svid "$TOKEN"'],
  async run(ctx) {
    const audience = requiredFlag(ctx, 'audience');
    const svid = requiredFlag(ctx, 'svid');
    const res = await withWorkloadApi(ctx, (client) =>
      unaryCall<{ spiffe_id: string; claims: unknown }>((cb) => client.ValidateJWTSVID({ audience, svid }, workloadMetadata(), { deadline: Date.now() + timeoutMs(ctx) }, cb)),
    );
    printData(ctx.stdout, ctx.output, { spiffe_id: res.spiffe_id, claims: structToJson(res.claims) }, (r) => `valid: ${r.spiffe_id}\n`);
  },
};

export const watchCommand: Command = {
  path: ['watch'],
  summary: 'Print each X.509-SVID update from the Workload API as it arrives',
  description: 'Keeps the FetchX509SVID stream open and prints one line (or one JSON object) per update, until interrupted.',
  flags: workloadFlags,
  printsData: true,
  examples: ['signet watch --socket /run/signet/agent.sock'],
  async run(ctx) {
    await withWorkloadApi(ctx, async (client) => {
      const call = client.FetchX509SVID({}, workloadMetadata());
      const done = new Promise<void>((resolve, reject) => {
        call.on('data', (m: X509SvidResponse) => {
          const s = summarizeX509(m);
          if (ctx.output === 'json') ctx.stdout.write(`${JSON.stringify({ received_at: new Date().toISOString(), ...s })}\n`);
          else ctx.stdout.write(`${new Date().toISOString()} ${s.svids.map((v) => `${v.spiffe_id} (expires ${v.not_after})`).join(', ')}\n`);
        });
        call.on('error', (err: { code?: number }) => (err.code === 1 ? resolve() : reject(err)));
        call.on('end', () => resolve());
      });
      ctx.signal.addEventListener('abort', () => call.cancel(), { once: true });
      await done;
    });
  },
};

/** A plain JSON object from a google.protobuf.Struct as decoded by proto-loader. */
export function structToJson(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  if ('fields' in o) return Object.fromEntries(Object.entries(o.fields as Record<string, unknown>).map(([k, x]) => [k, structToJson(x)]));
  if ('kind' in o && typeof o.kind === 'string') return structToJson(o[o.kind]);
  if ('values' in o && Array.isArray(o.values)) return o.values.map(structToJson);
  for (const k of ['stringValue', 'numberValue', 'boolValue', 'structValue', 'listValue']) if (k in o && o[k] !== undefined && o[k] !== null) return structToJson(o[k]);
  if ('nullValue' in o) return null;
  return o;
}
