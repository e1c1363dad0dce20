/**
 * The CA's signing domain: X.509-SVIDs and JWT-SVIDs for authorized callers, with the active
 * authorities, lifetimes bounded by entry, default and authority, and every issuance recorded.
 * @module
 */
import { performance } from 'node:perf_hooks';
import { SpanStatusCode, type Span, type Tracer } from '@opentelemetry/api';
import { ApiError, publicError, type Caller, type Clock } from '@signet/platform';
import { KeyInvalidError, mintJwtSvid, UnsupportedError, X509SvidInvalidError, type MintedX509Svid, type TrustDomain } from '@signet/spiffe';
import type { ActiveX509Authority } from '../authority/snapshot.js';
import type { IssuanceKind } from '../telemetry/ca-metrics.js';
import { agentSubject, workloadSubject, type AuthorizeContext, type SvidSubject } from './authorize.js';
import type { EntryAuthorizer } from './entry-authorizer.js';
import { subjectPublicKey, type PublicKeySource } from './public-key.js';
import { checkAudience, randomHex16 } from './jwt-claims.js';
import type {
  AgentX509SvidRequest,
  IssuanceRecorder,
  JwtSvidRequest,
  SignedJwtSvid,
  SignedX509Svid,
  SigningAuthorities,
  X509SvidRequest,
} from './requests.js';
import { svidTtlSeconds } from './ttl.js';

/** Dependencies and settings of a {@link CaSigner}. */
export interface CaSignerOptions {
  readonly trustDomain: TrustDomain;
  readonly clock: Clock;
  readonly authorities: SigningAuthorities;
  readonly authorizer: EntryAuthorizer;
  readonly ledger: IssuanceRecorder;
  readonly tracer: Tracer;
  readonly metrics?: { issued(kind: IssuanceKind, outcome: string): void; signingDuration(kind: IssuanceKind, seconds: number): void } | undefined;
  /** Default lifetimes in seconds. */
  readonly x509SvidTtlSeconds: number;
  readonly agentSvidTtlSeconds: number;
  readonly jwtSvidTtlSeconds: number;
  /** The `iss` claim of JWT-SVIDs, when set. */
  readonly jwtIssuer?: string | undefined;
  /** The agent namespace, e.g. `/spire/agent`. */
  readonly agentPathPrefix: string;
}

/**
 * Signs SVIDs.
 *
 * @example
 * ```ts
 * const svid = await signer.signX509Svid(ctx.caller, { csr, entryId });
 * const jwt = await signer.signJwtSvid(ctx.caller, { entryId, audience: ['spiffe://example.org/db'] });
 * ```
 */
export class CaSigner {
  readonly #o: CaSignerOptions;
  readonly #rules: AuthorizeContext;
  /** Signing calls in progress (awaiting authorization or a signature). */
  #inProgress = 0;

  constructor(options: CaSignerOptions) {
    this.#o = options;
    this.#rules = { trustDomain: options.trustDomain, authorizer: options.authorizer, agentPathPrefix: options.agentPathPrefix };
  }

  /** An X.509-SVID for an entry (agents: one their node serves) or, for admins, any ID of the trust domain. */
  signX509Svid(caller: Caller, request: X509SvidRequest): Promise<SignedX509Svid> {
    return this.#observed('x509', caller, (now) => {
      const publicKey = subjectPublicKey(request);
      return andThen(workloadSubject(caller, request, this.#rules, now), (subject) =>
        this.#mintX509(subject, publicKey, request, { entryTtl: subject.entry?.x509SvidTtl, defaultTtl: this.#o.x509SvidTtlSeconds }, now),
      );
    });
  }

  /** An agent X.509-SVID, for the attestation service (or an admin). */
  signAgentX509Svid(caller: Caller, request: AgentX509SvidRequest): Promise<SignedX509Svid> {
    return this.#observed('x509_agent', caller, (now) => {
      const publicKey = subjectPublicKey(request);
      const subject = agentSubject(caller, request.spiffeId, this.#rules);
      return this.#mintX509(subject, publicKey, request, { entryTtl: 0, defaultTtl: this.#o.agentSvidTtlSeconds }, now);
    });
  }

  /** A JWT-SVID for an entry (agents: one their node serves) or, for admins, any ID of the trust domain. */
  signJwtSvid(caller: Caller, request: JwtSvidRequest): Promise<SignedJwtSvid> {
    return this.#observed('jwt', caller, (now) => {
      const audience = checkAudience(request.audience);
      return andThen(workloadSubject(caller, request, this.#rules, now), (subject) => this.#mintJwt(subject, audience, request, now));
    });
  }

  #mintJwt(subject: SvidSubject, audience: readonly string[], request: JwtSvidRequest, now: Date): SignedJwtSvid {
    const active = this.#o.authorities.activeJwt();
    const ttl = svidTtlSeconds({
      requested: request.ttlSeconds,
      entryTtl: subject.entry?.jwtSvidTtl,
      defaultTtl: this.#o.jwtSvidTtlSeconds,
      authorityNotAfter: active.authority.notAfter,
      now,
    });
    const expiresAt = new Date(Math.floor(now.getTime() / 1000) * 1000 + ttl * 1000);
    const jti = randomHex16();
    const token = mintJwtSvid({
      id: subject.id,
      audience,
      key: active.privateKey,
      kid: active.keyId,
      now,
      expiresAt,
      ...(this.#o.jwtIssuer === undefined ? {} : { issuer: this.#o.jwtIssuer }),
      extraClaims: { jti },
    });
    this.#record(subject, jti, 'jwt', active.authority.id, now, expiresAt);
    return { spiffeId: subject.id.toString(), token, expiresAt, keyId: active.keyId, authorityId: active.authority.id, entryId: subject.entry?.id };
  }

  /**
   * Runs one signing call observed (span, outcome count, duration). `body` returns its result
   * directly when nothing had to be awaited, so the usual call costs a single promise.
   */
  async #observed<T>(kind: IssuanceKind, caller: Caller, body: (now: Date) => T | Promise<T>): Promise<T> {
    const call = this.#begin(kind, caller);
    let result: T;
    try {
      const pending = body(this.#o.clock.now());
      result = pending instanceof Promise ? await pending : pending;
    } catch (err) {
      throw this.#failed(call, err);
    }
    return this.#succeeded(call, result);
  }

  /**
   * Mints on this thread when the call is alone (no thread-pool round trip, no promise), or on the
   * libuv pool when other calls are in progress, so concurrent requests use every core.
   */
  #mintX509(
    subject: SvidSubject,
    publicKey: Uint8Array,
    request: PublicKeySource & { readonly ttlSeconds?: number | undefined },
    ttl: { entryTtl: number | undefined; defaultTtl: number },
    now: Date,
  ): SignedX509Svid | Promise<SignedX509Svid> {
    const active = this.#o.authorities.activeX509();
    const ttlSeconds = svidTtlSeconds({ requested: request.ttlSeconds, ...ttl, authorityNotAfter: active.authority.notAfter, now });
    const params = { id: subject.id, publicKey, dnsNames: subject.dnsNames, ttlSeconds, now };
    if (this.#inProgress > 1) {
      return active.minter.mintAsync(params).then(
        (minted) => this.#signedX509(subject, active, now, minted),
        (err: unknown) => {
          throw mintError(err, request, subject);
        },
      );
    }
    let minted: MintedX509Svid;
    try {
      minted = active.minter.mint(params);
    } catch (err) {
      throw mintError(err, request, subject);
    }
    return this.#signedX509(subject, active, now, minted);
  }

  /** Records a minted leaf and gives it back with its chain. */
  #signedX509(subject: SvidSubject, active: ActiveX509Authority, now: Date, minted: MintedX509Svid): SignedX509Svid {
    this.#record(subject, minted.serialNumber, 'x509', active.authority.id, now, minted.notAfter);
    return {
      spiffeId: subject.id.toString(),
      certChain: [minted.certificate, ...active.chain],
      serialNumber: minted.serialNumber,
      expiresAt: minted.notAfter,
      authorityId: active.authority.id,
      entryId: subject.entry?.id,
    };
  }

  #record(subject: SvidSubject, serial: string, kind: 'x509' | 'jwt', authorityId: string, issuedAt: Date, expiresAt: Date): void {
    this.#o.ledger.record({
      serial,
      kind,
      spiffeId: subject.id.toString(),
      entryId: subject.entry?.id ?? null,
      nodeId: subject.nodeId,
      authorityId,
      issuedAt,
      expiresAt,
    });
  }

  /** Starts observing one signing call: a span (not made active: nothing below starts spans) and its start time. */
  #begin(kind: IssuanceKind, caller: Caller): SigningCall {
    this.#inProgress++;
    return { kind, started: performance.now(), span: this.#o.tracer.startSpan(SPAN_NAMES[kind], { attributes: { 'signet.caller.kind': caller.kind } }) };
  }

  /** Ends a call that signed: counts and times it. */
  #succeeded<T>(call: SigningCall, result: T): T {
    this.#inProgress--;
    const metrics = this.#o.metrics;
    metrics?.issued(call.kind, 'ok');
    metrics?.signingDuration(call.kind, (performance.now() - call.started) / 1000);
    call.span.end();
    return result;
  }

  /** Ends a call that failed: counts its API code and marks the span; returns the error to throw. */
  #failed(call: SigningCall, err: unknown): unknown {
    this.#inProgress--;
    const { apiCode, internal } = publicError(err);
    this.#o.metrics?.issued(call.kind, apiCode);
    call.span.setAttribute('signet.error.code', apiCode);
    if (internal) call.span.recordException(err instanceof Error ? err : String(err));
    call.span.setStatus({ code: SpanStatusCode.ERROR, message: apiCode });
    call.span.end();
    return err;
  }
}

/** `f(value)`, now when `value` is at hand, else once it resolves: no promise for a synchronous step. */
function andThen<T, U>(value: T | Promise<T>, f: (v: T) => U | Promise<U>): U | Promise<U> {
  return value instanceof Promise ? value.then(f) : f(value);
}

/** One signing call being observed. */
interface SigningCall {
  readonly kind: IssuanceKind;
  readonly started: number;
  readonly span: Span;
}

/** The API error for a minting failure caused by the request (its key or DNS names); other errors as they are. */
function mintError(err: unknown, request: PublicKeySource, subject: SvidSubject): unknown {
  if (err instanceof KeyInvalidError || err instanceof UnsupportedError) {
    return ApiError.invalid(request.publicKey !== undefined && request.publicKey.length > 0 ? 'public_key' : 'csr', err.message, err);
  }
  if (err instanceof X509SvidInvalidError && subject.dnsNames.length > 0) return ApiError.invalid('dns_names', err.message, err);
  return err;
}

const SPAN_NAMES: Readonly<Record<IssuanceKind, string>> = { x509: 'ca.sign.x509', x509_agent: 'ca.sign.x509_agent', jwt: 'ca.sign.jwt' };
