/**
 * `signet x509 mint`: an X.509-SVID for any SPIFFE ID of the trust domain, signed by the CA for
 * an admin. The key pair is generated here, in the CLI process; only a CSR goes to the server.
 * @module
 */
import { generateKeyPair, randomBytes, type KeyObject } from 'node:crypto';
import { chmod, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { createCsr, SpiffeId } from '@signet/spiffe';
import { UsageError, type Command } from '../../command.js';
import { adminFlags, withAdmin } from '../../admin-client.js';
import { printData } from '../../output.js';
import { listFlag, parseChoice, parseSeconds, requiredFlag, stringFlag } from './flags.js';
import { certificatesPem, formatTime, renderDetails, x509SvidJson } from './format.js';
import type { Bundle__Output, MintX509SvidResponse__Output } from './wire.js';

/** The key types `--key-type` accepts. */
export const MINT_KEY_TYPES = ['ec-p256', 'ec-p384', 'rsa-2048'] as const;
type MintKeyType = (typeof MINT_KEY_TYPES)[number];

const generate = promisify(generateKeyPair);

/** A new private key of `type`. */
export async function generateMintKey(type: MintKeyType): Promise<KeyObject> {
  if (type === 'rsa-2048') return (await generate('rsa', { modulusLength: 2048 })).privateKey;
  return (await generate('ec', { namedCurve: type === 'ec-p384' ? 'P-384' : 'P-256' })).privateKey;
}

/** Writes `data` to `path` through a new temporary file in the same directory, created with `mode`, then renamed over it. */
async function writeFileAtomic(path: string, data: string, mode: number): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, data, { mode, flag: 'wx' });
    await chmod(tmp, mode);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** The files `--write DIR` creates. */
export const MINT_FILES = { svid: 'svid.pem', key: 'key.pem', bundle: 'bundle.pem' } as const;

/** `signet x509 mint`. */
export const x509MintCommand: Command = {
  path: ['x509', 'mint'],
  summary: 'Mint an X.509-SVID (key generated locally)',
  description:
    'Generates a key pair in this process, sends a CSR to the CA as an admin, and prints the SVID chain (leaf first),\n' +
    'the private key (PKCS#8) and the trust bundle as PEM, or with --write DIR writes them to DIR/svid.pem,\n' +
    'DIR/key.pem (mode 0600) and DIR/bundle.pem.\n' +
    'With --output json: the signet.ca.v1.MintX509SvidResponse message (cert_chain as PEM, expires_at as a decimal\n' +
    'string) plus "private_key" and "bundle" (PEM); with --write, "files" (the paths) instead of the key.',
  flags: {
    ...adminFlags,
    'spiffe-id': { type: 'string', value: 'ID', description: 'SPIFFE ID of the SVID (required)' },
    ttl: { type: 'string', value: 'DURATION', description: 'lifetime, e.g. 1h or 3600 (default: the CA\'s)' },
    dns: { type: 'string', value: 'NAME', multiple: true, description: 'DNS SAN to add' },
    'key-type': { type: 'string', value: 'TYPE', default: 'ec-p256', description: MINT_KEY_TYPES.join(', ') },
    write: { type: 'string', value: 'DIR', description: 'write svid.pem, key.pem and bundle.pem into DIR instead of printing them' },
  },
  printsData: true,
  examples: ['signet x509 mint --spiffe-id spiffe://example.org/ops', 'signet x509 mint --spiffe-id spiffe://example.org/web --dns web.example.org --ttl 10m --write ./certs'],
  async run(ctx) {
    const spiffeIdText = requiredFlag(ctx, 'spiffe-id');
    const spiffeId = SpiffeId.tryParse(spiffeIdText);
    if (spiffeId === undefined) throw new UsageError(`--spiffe-id is not a valid SPIFFE ID (got ${JSON.stringify(spiffeIdText)})`);
    const keyType = parseChoice(stringFlag(ctx, 'key-type') ?? 'ec-p256', 'key-type', MINT_KEY_TYPES);
    const ttlText = stringFlag(ctx, 'ttl');
    const ttl = ttlText === undefined ? 0 : parseSeconds(ttlText, 'ttl');
    const dnsNames = listFlag(ctx, 'dns');
    const dir = stringFlag(ctx, 'write');
    const privateKey = await generateMintKey(keyType);
    const csr = Buffer.from(createCsr({ privateKey, id: spiffeId }));
    const { svid, bundle } = await withAdmin(ctx, async (admin) => {
      const minted = await admin.call<MintX509SvidResponse__Output>((o, cb) =>
        admin.ca.MintX509Svid({ csr, spiffe_id: spiffeId.toString(), ttl, dns_names: dnsNames }, o, cb),
      );
      const roots = await admin.call<Bundle__Output>((o, cb) => admin.ca.GetBundle({}, o, cb));
      return { svid: minted, bundle: roots };
    });
    const svidPem = certificatesPem(svid.cert_chain);
    const bundlePem = certificatesPem(bundle.x509_authorities);
    const summary = renderDetails([
      ['SPIFFE ID', spiffeId.toString()],
      ['Serial', svid.serial_number],
      ['Expires', formatTime(svid.expires_at)],
      ['Authority', svid.authority_id],
    ]);
    if (dir !== undefined) {
      const target = resolve(dir);
      await mkdir(target, { recursive: true, mode: 0o700 });
      const files = { svid: join(target, MINT_FILES.svid), key: join(target, MINT_FILES.key), bundle: join(target, MINT_FILES.bundle) };
      await writeFileAtomic(files.key, privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), 0o600);
      await writeFileAtomic(files.svid, svidPem, 0o644);
      await writeFileAtomic(files.bundle, bundlePem, 0o644);
      printData(ctx.stdout, ctx.output, { ...x509SvidJson(svid), files }, () =>
        `${summary}Wrote the SVID chain to ${files.svid}, the private key to ${files.key} and the bundle to ${files.bundle}.\n`,
      );
      return;
    }
    const keyPem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    printData(ctx.stdout, ctx.output, { ...x509SvidJson(svid), private_key: keyPem, bundle: bundlePem }, () =>
      `${summary}\n# X.509-SVID chain (leaf first)\n${svidPem}\n# Private key\n${keyPem}\n# Trust bundle\n${bundlePem}`,
    );
  },
};
