/**
 * The agent's own identity: its X.509-SVID, from node attestation or from the data directory
 * after a restart, renewed at half its life (with jitter) through RenewAgent, and obtained again
 * by attesting when it expired or the agent was evicted. A banned agent stops with a message
 * that says so.
 * @module
 */
import { generateKeyPairSync } from 'node:crypto';
import { ApiError, X509BundleHolder, X509SvidHolder, streamMessages, unaryCall, type Clock, type Logger } from '@signet/platform';
import { X509Bundle, X509Svid, createCsr, verifyX509Svid, type TrustDomain } from '@signet/spiffe';
import { Backoff } from '../cache/backoff.js';
import type { AgentSvidStore } from './agent-svid-store.js';
import type { ControlPlaneClients } from './clients.js';
import type { NodeAttestorClient } from './node-attestors.js';
import { bundleFromWire, type WireBundle } from './wire.js';

/** Why the agent cannot go on. */
export class AgentStoppedError extends Error {
  override readonly name = 'AgentStoppedError';
}

/** Options of {@link AgentIdentity}. */
export interface AgentIdentityOptions {
  readonly trustDomain: TrustDomain;
  readonly store: AgentSvidStore;
  readonly attestor: NodeAttestorClient;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Roots to trust the server with before any bundle is stored (trust_bundle_path). */
  readonly bootstrapRoots?: readonly Uint8Array[];
  readonly random?: () => number;
}

/** The agent SVID and the bundle used to authenticate the server. */
export class AgentIdentity {
  readonly svidSource: X509SvidHolder;
  readonly bundleSource: X509BundleHolder;
  readonly #o: AgentIdentityOptions;
  #clients: ControlPlaneClients | undefined;
  #cancelRenewal: (() => void) | undefined;
  #stopped = false;
  readonly #renewed = new Set<(svid: X509Svid) => void>();
  #fatal: ((err: AgentStoppedError) => void) | undefined;
  #attesting: Promise<void> | undefined;

  private constructor(options: AgentIdentityOptions, svid: X509Svid, bundle: X509Bundle) {
    this.#o = options;
    this.svidSource = new X509SvidHolder(svid);
    this.bundleSource = new X509BundleHolder([bundle]);
  }

  /**
   * Loads the stored SVID when it is still valid and verifies against the stored bundle;
   * otherwise attests the node (with `clients`, which must be built on this identity's sources:
   * use {@link AgentIdentity.bootstrap}).
   */
  static async bootstrap(options: AgentIdentityOptions, makeClients: (identity: AgentIdentity) => ControlPlaneClients): Promise<AgentIdentity> {
    const stored = await options.store.load();
    const roots = stored?.bundle.length ? stored.bundle : (options.bootstrapRoots ?? []);
    if (roots.length === 0) {
      throw new AgentStoppedError('no trust bundle to authenticate the server with: set agent.trust_bundle_path (the server bundle, PEM) for the first start');
    }
    const bundle = X509Bundle.fromAuthorities(options.trustDomain, roots);
    // A placeholder SVID until attestation: never presented (attestation is anonymous).
    const usable = stored !== undefined && isUsable(stored.svid, bundle, options.clock.now());
    const identity = new AgentIdentity(options, usable ? stored.svid : placeholderSvid(stored?.svid), bundle);
    identity.#clients = makeClients(identity);
    if (usable) {
      options.logger.info({ spiffe_id: stored.svid.id.toString(), expires_at: stored.svid.leaf.notAfter.toISOString() }, 'agent: using the stored agent SVID');
    } else {
      await identity.attest();
    }
    identity.#scheduleRenewal();
    return identity;
  }

  /** The agent's SPIFFE ID. */
  get spiffeId(): string {
    return this.svidSource.getX509Svid().id.toString();
  }

  /** Runs `listener` after each new agent SVID (renewal or re-attestation). */
  onRenewed(listener: (svid: X509Svid) => void): () => void {
    this.#renewed.add(listener);
    return () => this.#renewed.delete(listener);
  }

  /** Runs `listener` when the agent must stop (banned, or cannot attest again). */
  onFatal(listener: (err: AgentStoppedError) => void): void {
    this.#fatal = listener;
  }

  /** Sets the trust bundle roots (from the push stream) and stores them. */
  async setBundle(roots: readonly Uint8Array[]): Promise<void> {
    if (roots.length === 0) return;
    this.bundleSource.set(X509Bundle.fromAuthorities(this.#o.trustDomain, roots));
    await this.#o.store.saveBundle(roots);
  }

  /** Attests the node and installs the new SVID. Concurrent calls share one attestation. */
  attest(): Promise<void> {
    this.#attesting ??= this.#attest().finally(() => {
      this.#attesting = undefined;
    });
    return this.#attesting;
  }

  /**
   * Reacts to the control plane refusing the agent: banned → stop; evicted or unknown → attest
   * again when the method allows it, otherwise stop.
   */
  async refused(err: ApiError): Promise<void> {
    if (/\bbanned\b/.test(err.message)) {
      await this.#o.store.clearSvid();
      this.#stop(new AgentStoppedError(`the agent ${this.spiffeId} is banned: an administrator must unban it (signet admin agent unban) before it can attest again`));
      return;
    }
    if (!this.#o.attestor.canReattest) {
      await this.#o.store.clearSvid();
      this.#stop(
        new AgentStoppedError(
          `the control plane no longer accepts the agent ${this.spiffeId} (${err.message}); ${this.#o.attestor.type} cannot attest again: create a new join token and restart the agent with it`,
        ),
      );
      return;
    }
    this.#o.logger.warn({ reason: err.message }, 'agent: the control plane refused the agent; attesting again');
    await this.attest();
  }

  /**
   * Reacts to the control plane no longer trusting the agent SVID (its authority was revoked):
   * attests again when the method allows it; otherwise keeps serving from cache and says what
   * an administrator must do.
   */
  async untrusted(err: ApiError): Promise<void> {
    if (this.#o.attestor.canReattest) {
      this.#o.logger.warn({ reason: err.message }, 'agent: the control plane no longer trusts the agent SVID; attesting again');
      await this.attest();
      return;
    }
    this.#o.logger.error(
      { reason: err.message },
      `agent: the control plane no longer trusts the agent SVID and ${this.#o.attestor.type} cannot attest again; serving cached SVIDs until an administrator evicts the agent and restarts it with a new join token`,
    );
  }

  /** Renews the agent SVID now (its authority was tainted). */
  renewNow(): void {
    if (this.#stopped) return;
    this.#cancelRenewal?.();
    void this.#renew();
  }

  /** Stops renewing. */
  close(): void {
    this.#stopped = true;
    this.#cancelRenewal?.();
  }

  async #attest(): Promise<void> {
    const clients = this.#clients!;
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const csr = createCsr({ privateKey });
    const client = clients.anonymousAttestation();
    try {
      const stream = client.AttestAgent();
      stream.write({ params: { attestation_type: this.#o.attestor.type, payload: Buffer.from(await this.#o.attestor.payload()), csr: Buffer.from(csr) } });
      let result: { spiffe_id: string; svid_chain: Buffer[]; bundle: WireBundle | null } | undefined;
      for await (const msg of streamMessages(stream) as AsyncIterable<{ challenge?: Buffer | null; result?: { spiffe_id: string; svid_chain: Buffer[]; bundle: WireBundle | null } | null }>) {
        if (msg.challenge) {
          stream.write({ challenge_response: Buffer.from(await this.#o.attestor.answer(new Uint8Array(msg.challenge), this.#o.trustDomain.name)) });
        } else if (msg.result) {
          result = msg.result;
          stream.end();
        }
      }
      if (result === undefined) throw new ApiError('internal', 'node attestation ended without a result');
      const svid = X509Svid.fromParts(result.svid_chain.map((b) => new Uint8Array(b)), privateKey);
      if (result.bundle) await this.setBundle(bundleFromWire(result.bundle).x509Authorities);
      await this.#install(svid);
      this.#o.logger.info({ spiffe_id: svid.id.toString(), method: this.#o.attestor.type, expires_at: svid.leaf.notAfter.toISOString() }, 'agent: node attested');
    } catch (err) {
      if (err instanceof ApiError && (err.apiCode === 'permission_denied' || err.apiCode === 'invalid_argument' || err.apiCode === 'unauthenticated')) {
        const banned = /\bbanned\b/.test(err.message);
        this.#stop(new AgentStoppedError(banned ? `node attestation refused: the agent is banned (${err.message})` : `node attestation refused: ${err.message}`));
      }
      throw err;
    } finally {
      client.close();
    }
  }

  async #install(svid: X509Svid): Promise<void> {
    await this.#o.store.saveSvid(svid);
    this.svidSource.set(svid);
    this.#clients?.rotate();
    for (const l of this.#renewed) l(svid);
    this.#scheduleRenewal();
  }

  #scheduleRenewal(): void {
    this.#cancelRenewal?.();
    if (this.#stopped) return;
    const svid = this.svidSource.getX509Svid();
    const nb = svid.leaf.notBefore.getTime();
    const life = svid.leaf.notAfter.getTime() - nb;
    const at = nb + life / 2 - (this.#o.random ?? Math.random)() * 0.1 * life;
    this.#cancelRenewal = this.#o.clock.setTimeout(() => void this.#renew(), Math.max(0, at - this.#o.clock.nowMs()));
  }

  async #renew(): Promise<void> {
    const backoff = new Backoff({ initialMs: 1_000, maxMs: 60_000, random: this.#o.random });
    while (!this.#stopped) {
      const current = this.svidSource.getX509Svid();
      if (current.leaf.notAfter.getTime() <= this.#o.clock.nowMs()) {
        this.#o.logger.warn({ spiffe_id: current.id.toString() }, 'agent: the agent SVID expired before it could be renewed; attesting again');
        try {
          await this.attest();
        } catch (err) {
          if (this.#stopped) return;
          this.#o.logger.error({ err: String(err) }, 'agent: node attestation failed; retrying');
          await this.#o.clock.sleep(backoff.next());
          continue;
        }
        return;
      }
      try {
        const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
        const res = await unaryCall<{ svid_chain: Buffer[] }>((cb) => this.#clients!.attestation().RenewAgent({ csr: Buffer.from(createCsr({ privateKey })) }, cb));
        const svid = X509Svid.fromParts(res.svid_chain.map((b) => new Uint8Array(b)), privateKey);
        await this.#install(svid);
        this.#o.logger.info({ spiffe_id: svid.id.toString(), expires_at: svid.leaf.notAfter.toISOString() }, 'agent: agent SVID renewed');
        return;
      } catch (err) {
        if (this.#stopped) return;
        if (err instanceof ApiError && err.apiCode === 'permission_denied') {
          await this.refused(err).catch(() => {});
          return;
        }
        this.#o.logger.warn({ err: String(err) }, 'agent: could not renew the agent SVID; retrying');
        await this.#o.clock.sleep(backoff.next());
      }
    }
  }

  #stop(err: AgentStoppedError): void {
    this.close();
    this.#fatal?.(err);
  }
}

function isUsable(svid: X509Svid, bundle: X509Bundle, now: Date): boolean {
  if (svid.leaf.notAfter.getTime() <= now.getTime() + 5_000) return false;
  try {
    verifyX509Svid(svid.certificates, bundle, { now });
    return true;
  } catch {
    return false;
  }
}

/** An SVID object to hold until attestation gives the real one (the stored one, even expired). */
function placeholderSvid(stored: X509Svid | undefined): X509Svid {
  if (stored !== undefined) return stored;
  return UNSET_SVID;
}

const UNSET_SVID = new Proxy({} as X509Svid, {
  get() {
    throw new Error('the agent has no SVID yet');
  },
});
