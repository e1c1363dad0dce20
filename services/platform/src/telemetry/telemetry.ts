/**
 * Process-wide OpenTelemetry setup: one meter provider and one tracer provider per process,
 * registered globally with async context propagation, shared by every service in it.
 * @module
 */
import { context, diag, metrics, propagation, trace, type Meter, type Tracer } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import { MeterProvider, type IMetricReader } from '@opentelemetry/sdk-metrics';
import {
  NodeTracerProvider,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-node';
import type { Logger } from '../log/logger.js';
import { installDiagLogger } from './diag.js';
import { otlpMetricReader, otlpSpanProcessor, type OtlpOptions } from './otlp.js';
import { createPrometheusReader, serveMetrics, type MetricsHandler, type MetricsServer } from './prometheus.js';
import { buildResource } from './resource.js';

/** Scope names of meters and tracers are `signet.<component>`. */
export const SCOPE_PREFIX = 'signet';

/** Options of {@link startTelemetry}. */
export interface TelemetryOptions {
  /** `service.name`: `signet` for `signet server`, `signet-ca` for the CA alone, …. */
  readonly serviceName: string;
  /** `spiffe.trust_domain`. */
  readonly trustDomain: string;
  /** `service.version`. */
  readonly version: string;
  /**
   * Prometheus exposition. `{}` (the default) gives a {@link Telemetry.metricsHandler} to mount
   * on the health server; with a `port`, a dedicated `/metrics` server also listens on
   * `host` (default `127.0.0.1`); `false` disables Prometheus.
   */
  readonly prometheus?: { readonly host?: string; readonly port?: number } | false;
  /** OTLP/HTTP export of traces and metrics; none when omitted. */
  readonly otlp?: OtlpOptions;
  /** Further resource attributes. */
  readonly resourceAttributes?: Readonly<Record<string, string>>;
  /** Extra span exporters, each behind a simple processor (e.g. an in-memory exporter in tests). */
  readonly spanExporters?: readonly SpanExporter[];
  /** Where OpenTelemetry's own warnings and errors (failed exports) are logged. */
  readonly logger?: Logger;
}

/** The running telemetry of the process. */
export interface Telemetry {
  /** The process's meter provider (also the global one). */
  readonly meterProvider: MeterProvider;
  /** The process's tracer provider (also the global one). */
  readonly tracerProvider: NodeTracerProvider;
  /** The resource every signal carries. */
  readonly resource: Resource;
  /** Renders `/metrics`; `undefined` when Prometheus is disabled. */
  readonly metricsHandler: MetricsHandler | undefined;
  /** The dedicated metrics server's address, when one was asked for. */
  readonly metricsAddress: MetricsServer['address'] | undefined;
  /** Whether this handle joined telemetry already started in this process. */
  readonly shared: boolean;
  /** A meter for one component, with scope name `signet.<component>` (e.g. `signet.ca`). */
  meter(component: string): Meter;
  /** A tracer for one component, with scope name `signet.<component>`. */
  tracer(component: string): Tracer;
  /** Exports everything recorded so far (OTLP push; spans in batch processors). */
  flush(): Promise<void>;
  /**
   * Releases this handle. The providers are flushed and shut down, and the globals
   * unregistered, when the last handle of the process is released. Calling it twice is safe.
   */
  shutdown(): Promise<void>;
}

interface SharedState {
  readonly options: TelemetryOptions;
  readonly meterProvider: MeterProvider;
  readonly tracerProvider: NodeTracerProvider;
  readonly resource: Resource;
  readonly metricsHandler: MetricsHandler | undefined;
  readonly metricsServer: MetricsServer | undefined;
  readonly ownsGlobals: { trace: boolean; metrics: boolean; diag: boolean };
  refs: number;
}

let current: Promise<SharedState> | undefined;

/**
 * Starts telemetry for the process, or joins it if already started: services running
 * together in one process (`signet server`) share one provider set, and each distinguishes
 * its signals by the scope name of its meter and tracer (`telemetry.meter('ca')` →
 * `signet.ca`, visible as `otel_scope_name` in Prometheus). The options of a joining call
 * are ignored; the first call decides.
 *
 * Registers the providers globally, with the `AsyncLocalStorage` context manager (so the
 * active span follows `await`) and W3C trace-context propagation.
 *
 * @example
 * ```ts
 * const telemetry = await startTelemetry({ serviceName: 'signet-ca', version, trustDomain: 'example.org' });
 * const issued = telemetry.meter('ca').createCounter('signet_svids_issued');
 * issued.add(1, { kind: 'x509' });
 * health = createHealthServer({ ..., metricsHandler: telemetry.metricsHandler });
 * lifecycle.add('telemetry', () => telemetry.shutdown());
 * ```
 */
export async function startTelemetry(options: TelemetryOptions): Promise<Telemetry> {
  if (current === undefined) {
    const starting = createState(options);
    current = starting;
    starting.catch(() => {
      if (current === starting) current = undefined;
    });
    return handleFor(await starting, false);
  }
  const state = await current;
  state.refs++;
  return handleFor(state, true);
}

async function createState(options: TelemetryOptions): Promise<SharedState> {
  const resource = buildResource({
    serviceName: options.serviceName,
    version: options.version,
    trustDomain: options.trustDomain,
    ...(options.resourceAttributes === undefined ? {} : { attributes: options.resourceAttributes }),
  });

  const readers: IMetricReader[] = [];
  const spanProcessors: SpanProcessor[] = [];
  let metricsHandler: MetricsHandler | undefined;
  if (options.prometheus !== false) {
    const prometheus = createPrometheusReader();
    readers.push(prometheus.reader);
    metricsHandler = prometheus.handler;
  }
  if (options.otlp !== undefined) {
    readers.push(otlpMetricReader(options.otlp));
    spanProcessors.push(otlpSpanProcessor(options.otlp));
  }
  for (const exporter of options.spanExporters ?? []) spanProcessors.push(new SimpleSpanProcessor(exporter));

  const meterProvider = new MeterProvider({ resource, readers });
  const tracerProvider = new NodeTracerProvider({ resource, spanProcessors });

  let metricsServer: MetricsServer | undefined;
  const port = options.prometheus === false ? undefined : options.prometheus?.port;
  if (metricsHandler !== undefined && port !== undefined) {
    try {
      const host = (options.prometheus === false ? undefined : options.prometheus?.host) ?? '127.0.0.1';
      metricsServer = await serveMetrics(metricsHandler, host, port);
    } catch (err) {
      await Promise.allSettled([meterProvider.shutdown(), tracerProvider.shutdown()]);
      throw err;
    }
  }

  if (options.logger !== undefined) installDiagLogger(options.logger);
  tracerProvider.register();
  const ownsTrace = delegateOf(trace.getTracerProvider()) === tracerProvider;
  const ownsMetrics = metrics.setGlobalMeterProvider(meterProvider);

  return {
    options,
    meterProvider,
    tracerProvider,
    resource,
    metricsHandler,
    metricsServer,
    ownsGlobals: { trace: ownsTrace, metrics: ownsMetrics, diag: options.logger !== undefined },
    refs: 1,
  };
}

function delegateOf(provider: unknown): unknown {
  const proxy = provider as { getDelegate?: () => unknown };
  return typeof proxy.getDelegate === 'function' ? proxy.getDelegate() : provider;
}

function handleFor(state: SharedState, shared: boolean): Telemetry {
  let released = false;
  const scope = (component: string): string => `${SCOPE_PREFIX}.${component}`;
  return {
    meterProvider: state.meterProvider,
    tracerProvider: state.tracerProvider,
    resource: state.resource,
    metricsHandler: state.metricsHandler,
    metricsAddress: state.metricsServer?.address,
    shared,
    meter: (component) => state.meterProvider.getMeter(scope(component), state.options.version),
    tracer: (component) => state.tracerProvider.getTracer(scope(component), state.options.version),
    async flush() {
      await Promise.all([state.tracerProvider.forceFlush(), state.meterProvider.forceFlush()]);
    },
    async shutdown() {
      if (released) return;
      released = true;
      state.refs--;
      if (state.refs > 0) return;
      current = undefined;
      await stopState(state);
    },
  };
}

async function stopState(state: SharedState): Promise<void> {
  // Unregister the globals first, synchronously: a new startTelemetry may register its own
  // while the providers below are still flushing.
  if (state.ownsGlobals.trace) {
    trace.disable();
    context.disable();
    propagation.disable();
  }
  if (state.ownsGlobals.metrics) metrics.disable();
  if (state.ownsGlobals.diag) diag.disable();
  const results = await Promise.allSettled([
    state.tracerProvider.shutdown(),
    state.meterProvider.shutdown(),
    state.metricsServer?.close(),
  ]);
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure !== undefined) throw failure.reason;
}
