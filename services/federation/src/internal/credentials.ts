/**
 * Server TLS credentials that change while the server runs, for the bundle endpoint and the OIDC
 * discovery provider:
 * - {@link FileTlsCredentials}: a certificate chain and key from PEM files (an operator's or
 *   cert-manager's Web PKI certificate), re-read every few seconds and swapped in with
 *   `server.setSecureContext` when they changed and form a valid pair;
 * - {@link SvidTlsCredentials}: this server's X.509-SVID from an {@link X509SvidSource}, checked
 *   before each new connection's handshake (two identity comparisons), so a renewed SVID is
 *   presented from the next connection on, without a timer or restart.
 * @module
 */
import { readFile } from 'node:fs/promises';
import { createSecureContext, type SecureContextOptions, type Server as TlsServer } from 'node:tls';
import type { Cancel, Clock, Logger, X509SvidSource } from '@signet/platform';
import type { SpiffeId, X509Svid } from '@signet/spiffe';
import { SERVER_TLS_HARDENING } from './tls.js';

/** Credentials a TLS server is kept on. */
export interface TlsCredentials {
  /** The context options for the current credentials (hardening included). */
  current(): SecureContextOptions;
  /** Keeps `server` on the current credentials until the returned function is called. */
  attach(server: TlsServer): Cancel;
}

/** Options of {@link FileTlsCredentials.load}. */
export interface FileTlsCredentialsOptions {
  /** PEM certificate chain, leaf first. */
  readonly certFile: string;
  /** PEM private key of the leaf. */
  readonly keyFile: string;
  readonly clock: Clock;
  readonly logger: Logger;
  /** How often the files are re-read, ms (default 5 000). */
  readonly pollIntervalMs?: number;
  /** Names the credentials in log lines (default `tls`). */
  readonly name?: string;
}

/** Certificate and key files, reloaded when their content changes. */
export class FileTlsCredentials implements TlsCredentials {
  readonly #options: FileTlsCredentialsOptions;
  #cert: Buffer;
  #key: Buffer;
  #context: SecureContextOptions;

  private constructor(options: FileTlsCredentialsOptions, cert: Buffer, key: Buffer) {
    this.#options = options;
    this.#cert = cert;
    this.#key = key;
    this.#context = contextOf(cert, key);
  }

  /** Reads and checks the files; rejects when they are missing or do not form a certificate and matching key. */
  static async load(options: FileTlsCredentialsOptions): Promise<FileTlsCredentials> {
    const [cert, key] = await Promise.all([readFile(options.certFile), readFile(options.keyFile)]);
    try {
      createSecureContext(contextOf(cert, key));
    } catch (err) {
      throw new Error(`${options.name ?? 'tls'}: ${options.certFile} and ${options.keyFile} are not a usable certificate and key: ${(err as Error).message}`, {
        cause: err,
      });
    }
    return new FileTlsCredentials(options, cert, key);
  }

  current(): SecureContextOptions {
    return this.#context;
  }

  /**
   * Re-reads the files; true when they changed and were taken. A half-written pair (unreadable,
   * or a key that does not match the certificate) is logged and skipped: the previous
   * credentials stay until the next read finds a good pair.
   */
  async reload(): Promise<boolean> {
    const { certFile, keyFile, logger } = this.#options;
    const name = this.#options.name ?? 'tls';
    let cert: Buffer;
    let key: Buffer;
    try {
      [cert, key] = await Promise.all([readFile(certFile), readFile(keyFile)]);
    } catch (err) {
      logger.warn({ err, cert_file: certFile, key_file: keyFile }, `${name}: could not read the certificate files; keeping the current certificate`);
      return false;
    }
    if (cert.equals(this.#cert) && key.equals(this.#key)) return false;
    const context = contextOf(cert, key);
    try {
      createSecureContext(context);
    } catch (err) {
      logger.warn({ err, cert_file: certFile, key_file: keyFile }, `${name}: the new certificate and key are not usable (yet); keeping the current certificate`);
      return false;
    }
    this.#cert = cert;
    this.#key = key;
    this.#context = context;
    logger.info({ cert_file: certFile }, `${name}: certificate reloaded`);
    return true;
  }

  attach(server: TlsServer): Cancel {
    let reloading = false;
    return this.#options.clock.setInterval(() => {
      if (reloading) return;
      reloading = true;
      this.reload()
        .then((changed) => {
          if (changed) server.setSecureContext(this.#context);
        })
        .catch((err: unknown) => this.#options.logger.error({ err }, `${this.#options.name ?? 'tls'}: certificate reload failed`))
        .finally(() => {
          reloading = false;
        });
    }, this.#options.pollIntervalMs ?? 5_000);
  }
}

/** This server's X.509-SVID, followed as its source rotates it. */
export class SvidTlsCredentials implements TlsCredentials {
  readonly #source: X509SvidSource;
  readonly #logger: Logger;
  #svid: X509Svid | undefined;
  #context: SecureContextOptions | undefined;

  constructor(source: X509SvidSource, logger: Logger) {
    this.#source = source;
    this.#logger = logger;
  }

  /** The SPIFFE ID of the SVID presented now. */
  spiffeId(): SpiffeId {
    return this.#source.getX509Svid().id;
  }

  current(): SecureContextOptions {
    this.#refresh();
    return this.#context!;
  }

  attach(server: TlsServer): Cancel {
    let attached = true;
    server.prependListener('connection', () => {
      if (!attached) return;
      let changed: boolean;
      try {
        changed = this.#refresh();
      } catch (err) {
        this.#logger.error({ err }, 'bundle endpoint: could not read the current SVID; keeping the previous one');
        return;
      }
      if (changed) server.setSecureContext(this.#context!);
    });
    return () => {
      attached = false;
    };
  }

  /** Rebuilds the context when the source hands out another SVID; true when it did. */
  #refresh(): boolean {
    const svid = this.#source.getX509Svid();
    if (svid === this.#svid && this.#context !== undefined) return false;
    const { certificates, privateKey } = svid.marshal();
    const first = this.#svid === undefined;
    this.#context = { ...SERVER_TLS_HARDENING, cert: certificates, key: privateKey };
    this.#svid = svid;
    if (!first) this.#logger.info({ spiffe_id: svid.id.toString(), serial: svid.leaf.serialNumber }, 'bundle endpoint: serving with a renewed SVID');
    return true;
  }
}

function contextOf(cert: Buffer, key: Buffer): SecureContextOptions {
  return { ...SERVER_TLS_HARDENING, cert, key };
}
