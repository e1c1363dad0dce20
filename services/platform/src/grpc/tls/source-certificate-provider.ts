/**
 * A grpc-js certificate provider fed by an SVID source and a bundle source.
 * @module
 */
import type { experimental } from '@grpc/grpc-js';
import type { TrustDomain, X509Bundle, X509Svid } from '@signet/spiffe';
import type { X509BundleSource, X509SvidSource } from './sources.js';

type CaListener = experimental.CaCertificateUpdateListener;
type IdentityListener = experimental.IdentityCertificateUpdateListener;

/** Options of {@link SourceCertificateProvider}. */
export interface SourceCertificateProviderOptions {
  readonly trustDomain: TrustDomain;
  readonly bundleSource: X509BundleSource;
  readonly svidSource?: X509SvidSource;
  readonly refreshIntervalMs: number;
}

/**
 * Hands grpc-js the PEM of the current bundle (as CA certificates) and SVID (as identity). New
 * listeners get the current values at once; while any listener is registered the sources are
 * polled (two identity comparisons per tick, on an unref'd timer) and changes are pushed, so
 * connections opened after a rotation use the new credentials. A source that throws or has
 * nothing pushes `null`, which makes new connections fail until it recovers.
 */
export class SourceCertificateProvider implements experimental.CertificateProvider {
  readonly #options: SourceCertificateProviderOptions;
  readonly #caListeners = new Set<CaListener>();
  readonly #identityListeners = new Set<IdentityListener>();
  #timer: NodeJS.Timeout | undefined;
  #bundle: X509Bundle | undefined | null = null;
  #ca: experimental.CaCertificateUpdate | null = null;
  #svid: X509Svid | undefined | null = null;
  #identity: experimental.IdentityCertificateUpdate | null = null;

  constructor(options: SourceCertificateProviderOptions) {
    this.#options = options;
  }

  addCaCertificateListener(listener: CaListener): void {
    this.#poll();
    this.#caListeners.add(listener);
    listener(this.#ca);
    this.#updateTimer();
  }

  removeCaCertificateListener(listener: CaListener): void {
    this.#caListeners.delete(listener);
    this.#updateTimer();
  }

  addIdentityCertificateListener(listener: IdentityListener): void {
    this.#poll();
    this.#identityListeners.add(listener);
    listener(this.#identity);
    this.#updateTimer();
  }

  removeIdentityCertificateListener(listener: IdentityListener): void {
    this.#identityListeners.delete(listener);
    this.#updateTimer();
  }

  #updateTimer(): void {
    const wanted = this.#caListeners.size + this.#identityListeners.size > 0;
    if (wanted && this.#timer === undefined) {
      this.#timer = setInterval(() => this.#poll(), this.#options.refreshIntervalMs);
      this.#timer.unref();
    } else if (!wanted && this.#timer !== undefined) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }

  /** Reads the sources and pushes what changed to the listeners. */
  #poll(): void {
    let bundle: X509Bundle | undefined;
    try {
      bundle = this.#options.bundleSource.getX509BundleForTrustDomain(this.#options.trustDomain);
    } catch {
      bundle = undefined;
    }
    if (bundle !== this.#bundle && !(bundle !== undefined && this.#bundle && bundle.equals(this.#bundle))) {
      this.#bundle = bundle;
      this.#ca = bundle === undefined || bundle.isEmpty() ? null : { caCertificate: Buffer.from(bundle.toPem()) };
      for (const l of this.#caListeners) l(this.#ca);
    }
    if (this.#options.svidSource === undefined) return;
    let svid: X509Svid | undefined;
    try {
      svid = this.#options.svidSource.getX509Svid();
    } catch {
      svid = undefined;
    }
    if (svid !== this.#svid) {
      this.#svid = svid;
      const pem = svid?.marshal();
      this.#identity = pem === undefined ? null : { certificate: Buffer.from(pem.certificates), privateKey: Buffer.from(pem.privateKey) };
      for (const l of this.#identityListeners) l(this.#identity);
    }
  }
}
