/**
 * The agent's own SVID and trust bundle on disk (`<data dir>/agent/`), so a restarted agent
 * needs no new join token: `svid.pem` (chain, leaf first), `svid.key` (PKCS#8 PEM, mode 0600)
 * and `bundle.pem` (the trust domain's roots). Files are replaced atomically.
 * @module
 */
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { X509Svid, encodePem, parsePemCertificates } from '@signet/spiffe';

/** What is stored. */
export interface StoredAgentIdentity {
  readonly svid: X509Svid;
  /** Root certificates, DER. */
  readonly bundle: readonly Uint8Array[];
}

/** Reads and writes the agent's identity files. */
export class AgentSvidStore {
  readonly dir: string;

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'agent');
  }

  /** The stored identity, or undefined when none (or unreadable: the agent then attests again). */
  async load(): Promise<StoredAgentIdentity | undefined> {
    try {
      const [chain, key, bundle] = await Promise.all([
        readFile(join(this.dir, 'svid.pem'), 'utf8'),
        readFile(join(this.dir, 'svid.key'), 'utf8'),
        readFile(join(this.dir, 'bundle.pem'), 'utf8'),
      ]);
      return { svid: X509Svid.parse(chain, key), bundle: parsePemCertificates(bundle) };
    } catch {
      return undefined;
    }
  }

  /** Stores the SVID (and its key, 0600). */
  async saveSvid(svid: X509Svid): Promise<void> {
    const { certificates, privateKey } = svid.marshal();
    await this.#write('svid.key', privateKey, 0o600);
    await this.#write('svid.pem', certificates, 0o644);
  }

  /** Stores the bundle's roots. */
  async saveBundle(roots: readonly Uint8Array[]): Promise<void> {
    await this.#write('bundle.pem', roots.map((der) => encodePem('CERTIFICATE', der)).join(''), 0o644);
  }

  /** Forgets the SVID (evicted or banned). */
  async clearSvid(): Promise<void> {
    await Promise.all(['svid.pem', 'svid.key'].map((f) => rm(join(this.dir, f), { force: true })));
  }

  async #write(name: string, content: string, mode: number): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const tmp = join(this.dir, `.${name}.${process.pid}.tmp`);
    await writeFile(tmp, content, { mode });
    await chmod(tmp, mode);
    await rename(tmp, join(this.dir, name));
  }
}
