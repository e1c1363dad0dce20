/**
 * How a service implements an API independently of its transport. A service is a table of
 * {@link MethodSpec}s keyed by the proto method name (`MintX509Svid`). The gRPC transport
 * (and, for the registrar, the REST routes) decode the request, establish the {@link Caller},
 * enforce `allow`, open a span, call the handler, audit admin calls, and map any thrown error
 * through `status-map.ts`. Handlers only validate, call the domain, and encode.
 * @module
 */
import type { Logger } from '../log/logger.js';
import type { Caller } from './caller.js';

/** What every handler receives besides its request. */
export interface CallContext {
  /** The authenticated caller, from the transport. */
  readonly caller: Caller;
  /** `package.Service/Method`, e.g. `signet.ca.v1.CA/MintX509Svid`. */
  readonly method: string;
  /** Aborted when the client cancels, the deadline passes, or the server shuts down. */
  readonly signal: AbortSignal;
  /** A logger bound to this call (method, caller, trace id). */
  readonly logger: Logger;
  /**
   * Adds fields to this call's audit line (written for admin callers and for every method
   * with `audit: true`), e.g. `{ entry_id }`. Never put secrets here.
   */
  audit(fields: Readonly<Record<string, unknown>>): void;
}

/** One request, one response. */
export type UnaryHandler<Req, Res> = (request: Req, ctx: CallContext) => Promise<Res>;

/**
 * One request, a stream of responses. `send` resolves when the message has been handed to the
 * transport (respecting back-pressure). The handler returns when the stream should end, and
 * must return promptly once `ctx.signal` is aborted.
 */
export type ServerStreamHandler<Req, Res> = (request: Req, ctx: CallContext, send: (response: Res) => Promise<void>) => Promise<void>;

/** A stream each way (e.g. attestation with challenges). `requests` ends when the client half-closes. */
export type BidiStreamHandler<Req, Res> = (
  requests: AsyncIterable<Req>,
  ctx: CallContext,
  send: (response: Res) => Promise<void>,
) => Promise<void>;

/** The kinds of caller a method accepts (policy as data). */
export type CallerKind = Caller['kind'];

interface MethodBase {
  /** Caller kinds allowed to call; others get PERMISSION_DENIED (UNAUTHENTICATED when anonymous). */
  readonly allow: readonly CallerKind[];
  /** Write an audit line for every call (admin calls are always audited). */
  readonly audit?: boolean;
}

/** A method of a service, with its handler and policy. */
export type MethodSpec<Req = unknown, Res = unknown> =
  | (MethodBase & { readonly type: 'unary'; readonly handler: UnaryHandler<Req, Res> })
  | (MethodBase & { readonly type: 'server_stream'; readonly handler: ServerStreamHandler<Req, Res> })
  | (MethodBase & { readonly type: 'bidi_stream'; readonly handler: BidiStreamHandler<Req, Res> });

/** A service implementation: methods by proto method name. */
export type ServiceImpl = Readonly<Record<string, MethodSpec<any, any>>>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Declares a unary method (keeps request/response types). */
export function unary<Req, Res>(allow: readonly CallerKind[], handler: UnaryHandler<Req, Res>, opts: { audit?: boolean } = {}): MethodSpec<Req, Res> {
  return { type: 'unary', allow, handler, ...opts };
}

/** Declares a server-streaming method. */
export function serverStream<Req, Res>(
  allow: readonly CallerKind[],
  handler: ServerStreamHandler<Req, Res>,
  opts: { audit?: boolean } = {},
): MethodSpec<Req, Res> {
  return { type: 'server_stream', allow, handler, ...opts };
}

/** Declares a bidirectional-streaming method. */
export function bidiStream<Req, Res>(
  allow: readonly CallerKind[],
  handler: BidiStreamHandler<Req, Res>,
  opts: { audit?: boolean } = {},
): MethodSpec<Req, Res> {
  return { type: 'bidi_stream', allow, handler, ...opts };
}
