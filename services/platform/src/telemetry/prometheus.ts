/**
 * Prometheus exposition without the exporter's own server: the reader renders metrics on
 * request, and the health server (or a small dedicated one) routes `/metrics` to it.
 * @module
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';

/** Writes the current metrics in the Prometheus text format to `res`. */
export type MetricsHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** A Prometheus pull reader and the request handler that serves it. */
export interface PrometheusReader {
  /** The metric reader to register with the meter provider. */
  readonly reader: PrometheusExporter;
  /** The handler to mount at `/metrics`. */
  readonly handler: MetricsHandler;
}

/** Creates a Prometheus reader that never starts a server of its own. */
export function createPrometheusReader(): PrometheusReader {
  const reader = new PrometheusExporter({ preventServerStart: true });
  return { reader, handler: (req, res) => reader.getMetricsRequestHandler(req, res) };
}

/** A running dedicated metrics server. */
export interface MetricsServer {
  /** Where it listens. */
  readonly address: { readonly host: string; readonly port: number; readonly url: string };
  /** Stops listening. */
  close(): Promise<void>;
}

/**
 * Serves `GET /metrics` (and nothing else) on `host:port`, for deployments that scrape
 * metrics on a different port than health checks. Port 0 picks a free port.
 */
export async function serveMetrics(handler: MetricsHandler, host: string, port: number): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/metrics' && (req.method === 'GET' || req.method === 'HEAD')) {
      handler(req, res);
      return;
    }
    res.statusCode = 404;
    res.setHeader('content-type', 'text/plain');
    res.end('not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  const urlHost = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  return {
    address: { host: bound.address, port: bound.port, url: `http://${urlHost}:${bound.port}/metrics` },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
