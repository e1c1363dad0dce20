/**
 * A TLS server's credentials that follow an SVID source and a bundle source: each new
 * connection is handshaken with the SVID and trust bundle current at that moment.
 * @module
 */
import { constants } from 'node:crypto';
import type { SecureContextOptions, Server as TlsServer } from 'node:tls';
import type { X509Bundle, X509Svid } from '@signet/spiffe';
import type { Logger } from '../../log/logger.js';
import type { X509BundleSource, X509SvidSource } from './sources.js';

/**
 * Settings every context gets (`setSecureContext` resets what it is not given): TLS 1.2 or later,
 * and no session tickets, so every connection does a full handshake in which the client presents
 * its whole chain, which is then verified against the current bundle.
 */
const HARDENING: SecureContextOptions = Object.freeze({ minVersion: 'TLSv1.2', secureOptions: constants.SSL_OP_NO_TICKET });

/** The sources of a TLS listener's credentials. */
export interface TlsCredentialSources {
  /** This server's X.509-SVID. */
  readonly svidSource: X509SvidSource;
  /** Trust bundles; the one of the SVID's trust domain is sent as the acceptable client CAs. */
  readonly bundleSource: X509BundleSource;
}

/**
 * Keeps a `tls.Server`'s secure context in step with its sources. Node creates the TLS socket of
 * a connection from the server's context when the connection arrives, so checking the sources
 * just before (a `connection` listener placed first) makes every handshake use the current SVID,
 * with no timer and no restart. The check is two identity comparisons; the context is rebuilt
 * only when the SVID or bundle changed.
 */
export class RotatingServerContext {
  readonly #sources: TlsCredentialSources;
  readonly #logger: Logger;
  #svid: X509Svid | undefined;
  #bundle: X509Bundle | undefined;
  #options: SecureContextOptions | undefined;

  constructor(sources: TlsCredentialSources, logger: Logger) {
    this.#sources = sources;
    this.#logger = logger;
  }

  /** The context options for the current SVID and bundle (recomputed when either changed). Throws when the sources do. */
  options(): SecureContextOptions {
    this.#refresh();
    return this.#options!;
  }

  /** Makes `server` pick up a changed SVID or bundle before each new connection's handshake. */
  attach(server: TlsServer): void {
    server.prependListener('connection', () => {
      let changed: boolean;
      try {
        changed = this.#refresh();
      } catch (err) {
        this.#logger.error({ err }, 'tls: could not read the current SVID or bundle; keeping the previous credentials');
        return;
      }
      if (changed) server.setSecureContext(this.#options!);
    });
  }

  /** Recomputes the options when a source changed; true when they did. */
  #refresh(): boolean {
    const svid = this.#sources.svidSource.getX509Svid();
    const bundle = this.#sources.bundleSource.getX509BundleForTrustDomain(svid.id.trustDomain);
    if (this.#options !== undefined && sameSvid(svid, this.#svid) && sameBundle(bundle, this.#bundle)) return false;
    const { certificates, privateKey } = svid.marshal();
    const ca = bundle === undefined || bundle.isEmpty() ? undefined : bundle.toPem();
    this.#options = { ...HARDENING, cert: certificates, key: privateKey, ...(ca === undefined ? {} : { ca }) };
    const first = this.#svid === undefined;
    this.#svid = svid;
    this.#bundle = bundle;
    if (!first) this.#logger.info({ spiffe_id: svid.id.toString(), serial: svid.leaf.serialNumber }, 'tls: server credentials updated');
    return true;
  }
}

function sameSvid(a: X509Svid, b: X509Svid | undefined): boolean {
  if (a === b) return true;
  if (b === undefined || a.certificates.length !== b.certificates.length) return false;
  return a.certificates.every((der, i) => Buffer.compare(der, b.certificates[i]!) === 0);
}

function sameBundle(a: X509Bundle | undefined, b: X509Bundle | undefined): boolean {
  if (a === b) return true;
  return a !== undefined && b !== undefined && a.equals(b);
}
