/**
 * Adapting a {@link ServiceImpl} to `@grpc/grpc-js` handlers.
 * @module
 */
import type {
  ServerDuplexStream,
  ServerUnaryCall,
  ServerWritableStream,
  ServiceDefinition,
  StatusObject,
  UntypedHandleCall,
  UntypedServiceImplementation,
  sendUnaryData,
} from '@grpc/grpc-js';
import { status as GrpcStatus } from '@grpc/grpc-js';
import type { Span } from '@opentelemetry/api';
import type { MethodSpec, ServiceImpl } from '../api/handler.js';
import { CallAbort } from './call-abort.js';
import type { CallTracker } from './call-tracker.js';
import type { ServerSurfaceCall } from './listener.js';
import { invoke, type CallOutcome, type InvokeDeps, type ResolvedCaller } from './invoke.js';
import { grpcStatusFor } from './status.js';
import { messagesOf, senderFor } from './streams.js';
import { extractTraceContext } from './trace-context.js';

/** What the handlers of one listener share. */
export interface HandlerDeps {
  readonly invoke: InvokeDeps;
  readonly calls: CallTracker;
  /** The caller of a call, as this listener establishes it. */
  readonly resolveCaller: (call: ServerSurfaceCall) => ResolvedCaller;
}

/**
 * Checks that `impl` fits `definition`: every method it names exists, with the same streaming
 * shape. Returns the names of the definition's methods `impl` leaves out (they answer
 * UNIMPLEMENTED). Throws `TypeError` on a mismatch.
 */
export function checkServiceImpl(definition: ServiceDefinition, impl: ServiceImpl): string[] {
  for (const [name, spec] of Object.entries(impl)) {
    const def = definition[name];
    if (def === undefined) {
      const known = Object.keys(definition).join(', ');
      throw new TypeError(`addService: the service has no method "${name}" (methods: ${known})`);
    }
    const expected = def.requestStream ? (def.responseStream ? 'bidi_stream' : 'client_stream') : def.responseStream ? 'server_stream' : 'unary';
    if (spec.type !== expected) throw new TypeError(`addService: ${def.path.slice(1)} is ${expected}, but its MethodSpec is ${spec.type}`);
    if (!Array.isArray(spec.allow)) throw new TypeError(`addService: ${def.path.slice(1)} has no allow list`);
  }
  return Object.keys(definition).filter((name) => impl[name] === undefined);
}

/** The grpc-js implementation of `impl` for one listener. */
export function grpcImplementation(definition: ServiceDefinition, impl: ServiceImpl, deps: HandlerDeps): UntypedServiceImplementation {
  const out: UntypedServiceImplementation = {};
  for (const [name, spec] of Object.entries(impl)) {
    out[name] = grpcHandler(definition[name]!.path.slice(1), spec, deps);
  }
  return out;
}

function grpcHandler(method: string, spec: MethodSpec, deps: HandlerDeps): UntypedHandleCall {
  switch (spec.type) {
    case 'unary':
      return (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
        let response: unknown;
        void run(method, spec, deps, call, async (ctx) => {
          response = await spec.handler(call.request, ctx);
        }).then(({ outcome, status }) => {
          if (outcome.ok) callback(null, response);
          else callback(status ?? { code: GrpcStatus.CANCELLED, details: 'cancelled' });
        });
      };
    case 'server_stream':
      return (call: ServerWritableStream<unknown, unknown>) => {
        void run(method, spec, deps, call, (ctx) => spec.handler(call.request, ctx, senderFor(call, ctx.signal))).then(({ outcome, status }) =>
          finishStream(call, outcome, status),
        );
      };
    case 'bidi_stream':
      return (call: ServerDuplexStream<unknown, unknown>) => {
        void run(method, spec, deps, call, (ctx) =>
          spec.handler(messagesOf(call, ctx.signal), ctx, senderFor(call, ctx.signal)),
        ).then(({ outcome, status }) => finishStream(call, outcome, status));
      };
  }
}

/** Runs one call: its abort signal follows cancellation, deadline and shutdown. */
async function run(
  method: string,
  spec: MethodSpec,
  deps: HandlerDeps,
  call: ServerSurfaceCall,
  body: Parameters<typeof invoke>[2],
): Promise<{ outcome: CallOutcome; status: StatusObject | undefined }> {
  const abort = new CallAbort();
  const untrack = deps.calls.track(abort, spec.type !== 'unary');
  const onCancelled = (): void => abort.abort(deadlinePassed(call) ? 'deadline' : 'cancelled');
  call.on('cancelled', onCancelled);
  if (call.cancelled) onCancelled();
  let status: StatusObject | undefined;
  try {
    const outcome = await invoke(
      deps.invoke,
      { transport: 'grpc', method, spec, resolved: deps.resolveCaller(call), abort, parent: extractTraceContext(call.metadata) },
      body,
      (result: CallOutcome, span: Span) => {
        status = result.ok ? undefined : grpcStatusFor(result.error);
        span.setAttribute('rpc.grpc.status_code', result.code === 'cancelled' ? GrpcStatus.CANCELLED : (status?.code ?? GrpcStatus.OK));
      },
    );
    return { outcome, status };
  } finally {
    call.off('cancelled', onCancelled);
    untrack();
  }
}

function finishStream(
  call: ServerWritableStream<unknown, unknown> | ServerDuplexStream<unknown, unknown>,
  outcome: CallOutcome,
  status: StatusObject | undefined,
): void {
  if (outcome.code === 'cancelled' || call.destroyed) return;
  if (outcome.ok) call.end();
  else call.emit('error', status);
}

/**
 * A client whose deadline passes cancels the call itself, and its cancellation can reach us
 * before our own deadline timer fires (the server's deadline is counted from when the call
 * arrived). A cancellation this close to the deadline is taken as the deadline.
 */
const DEADLINE_TOLERANCE_MS = 250;

function deadlinePassed(call: ServerSurfaceCall): boolean {
  const deadline = call.getDeadline();
  const ms = deadline instanceof Date ? deadline.getTime() : deadline;
  return Number.isFinite(ms) && Date.now() >= ms - DEADLINE_TOLERANCE_MS;
}
