/**
 * The `disk` upstream authority: an operator's CA given as PEM files.
 *
 * - `cert_file`: the upstream signing certificate first, then any certificates above it up to
 *   (optionally including) the root;
 * - `key_file`: the private key of the first certificate (PKCS#8, SEC 1 or PKCS#1 PEM);
 * - `bundle_file` (optional): the upstream root certificates to publish. Without it, the
 *   self-signed certificates of `cert_file` are the roots.
 *
 * The files are read at every mint, so replacing them (an upstream rotation) takes effect at the
 * next authority without a restart. The key is read into memory only while minting.
 * @module
 */
import { readFile } from 'node:fs/promises';
import { createIntermediateCa, parseCsr, parsePrivateKey } from '@signet/spiffe';
import { certificatesFromPem, isIssuedBy, isSelfSigned } from './certificates.js';
import type { UpstreamAuthority, UpstreamMintRequest, UpstreamMintResult } from './upstream.js';

/** Options of {@link DiskUpstreamAuthority}. */
export interface DiskUpstreamOptions {
  readonly certFile: string;
  readonly keyFile: string;
  readonly bundleFile?: string | undefined;
}

/** The upstream signing material read from the files. */
interface UpstreamMaterial {
  readonly signing: Uint8Array;
  readonly intermediates: Uint8Array[];
  readonly roots: Uint8Array[];
}

/**
 * Signs Signet's intermediate CAs with a CA kept in files.
 *
 * @example
 * ```ts
 * const upstream = new DiskUpstreamAuthority({ certFile: 'upstream.crt', keyFile: 'upstream.key', bundleFile: 'roots.pem' });
 * await upstream.check(); // fail at start-up, not at the first rotation
 * ```
 */
export class DiskUpstreamAuthority implements UpstreamAuthority {
  readonly name = 'disk';
  readonly #options: DiskUpstreamOptions;

  constructor(options: DiskUpstreamOptions) {
    this.#options = options;
  }

  /** Reads and checks the files (chain to a root, key matches); throws an `Error` naming the problem. */
  async check(): Promise<void> {
    await this.#material();
  }

  async mintX509Ca(request: UpstreamMintRequest): Promise<UpstreamMintResult> {
    const material = await this.#material();
    const csr = parseCsr(request.csr);
    const parentPrivateKey = parsePrivateKey(await readFile(this.#options.keyFile, 'utf8'));
    const certificate = createIntermediateCa({
      trustDomain: request.trustDomain,
      publicKey: csr.subjectPublicKeyInfo,
      parentCertificate: material.signing,
      parentPrivateKey,
      ttlSeconds: request.ttlSeconds,
      now: request.now,
      ...(request.subject === undefined ? {} : { subject: request.subject }),
    });
    return { certificate, intermediates: [material.signing, ...material.intermediates], roots: material.roots };
  }

  async #material(): Promise<UpstreamMaterial> {
    const { certFile, bundleFile } = this.#options;
    const chain = certificatesFromPem(await readFile(certFile, 'utf8'), `upstream cert_file ${certFile}`);
    const signing = chain[0];
    if (signing === undefined) throw new Error(`upstream cert_file ${certFile} holds no certificate`);
    const above = chain.slice(1).filter((der) => !isSelfSigned(der));
    const roots =
      bundleFile === undefined
        ? chain.filter(isSelfSigned)
        : certificatesFromPem(await readFile(bundleFile, 'utf8'), `upstream bundle_file ${bundleFile}`);
    if (roots.length === 0) {
      throw new Error(`upstream: no root certificate; give bundle_file, or end cert_file ${certFile} with the self-signed root`);
    }
    const path = isSelfSigned(signing) ? [] : [signing, ...above];
    for (let i = 0; i + 1 < path.length; i++) {
      if (!isIssuedBy(path[i]!, path[i + 1]!)) throw new Error(`upstream cert_file ${certFile}: certificate ${i + 1} did not issue certificate ${i}`);
    }
    const top = path[path.length - 1] ?? signing;
    if (!roots.some((root) => isIssuedBy(top, root))) {
      throw new Error(`upstream cert_file ${certFile} does not chain to a root of ${bundleFile ?? 'cert_file'}`);
    }
    return { signing, intermediates: isSelfSigned(signing) ? [] : above, roots };
  }
}
