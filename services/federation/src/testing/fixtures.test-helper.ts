/**
 * Test fixtures: config, logger, metrics reader, bundle documents, datastore writes with their
 * events, and a real local HTTPS server whose credentials and handler a test swaps.
 * @module
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { MeterProvider, MetricReader, type MetricData } from '@opentelemetry/sdk-metrics';
import {
  appendEvent,
  createFederationRelationship,
  EventKinds,
  putBundle,
  readEvents,
  type BundleSource,
  type ChangeEvent,
  type Db,
  type NewFederationRelationship,
} from '@signet/datastore';
import { captureLogs, configSchema, createLogger, loadConfig, type LogCapture, type Logger } from '@signet/platform';
import { JwtBundle, SpiffeBundle, TrustDomain, X509Bundle, type X509Svid } from '@signet/spiffe';
import type { TestCa } from '@signet/spiffe/testing';
import { federationSection, type FederationConfig } from '../config.js';

/** The `federation` section with `overrides` (dotted paths below `federation.`). */
export function testConfig(overrides: Record<string, unknown> = {}): FederationConfig {
  const prefixed = Object.fromEntries(Object.entries(overrides).map(([k, v]) => [`federation.${k}`, v]));
  return loadConfig({ schema: configSchema(federationSection), overrides: prefixed }).config.federation;
}

/** A logger writing into a capture. */
export function testLogger(level: 'debug' | 'info' | 'warn' = 'debug'): { logger: Logger; logs: LogCapture } {
  const logs = captureLogs();
  return { logger: createLogger({ level, service: 'federation', destination: logs.stream }), logs };
}

class TestReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

/** A meter whose data points a test reads. */
export function testMeter(): { meter: ReturnType<MeterProvider['getMeter']>; collect: () => Promise<Map<string, MetricData>> } {
  const reader = new TestReader();
  const meter = new MeterProvider({ readers: [reader] }).getMeter('federation-test');
  return {
    meter,
    collect: async () => {
      const { resourceMetrics } = await reader.collect();
      return new Map(resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).map((m) => [m.descriptor.name, m]));
    },
  };
}

/** The value of the data point of `name` whose attributes include `attrs` (undefined when none). */
export function pointValue(metrics: Map<string, MetricData>, name: string, attrs: Record<string, string>): number | undefined {
  const point = metrics.get(name)?.dataPoints.find((p) => Object.entries(attrs).every(([k, v]) => p.attributes[k] === v));
  return point?.value as number | undefined;
}

/** A JWT signing key pair (EC P-256 by default). */
export function jwtKey(kind: 'p256' | 'p384' | 'rsa' = 'p256'): KeyObject {
  if (kind === 'rsa') return generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
  return generateKeyPairSync('ec', { namedCurve: kind === 'p256' ? 'P-256' : 'P-384' }).publicKey;
}

/** A SPIFFE bundle document of `td` with the roots of `cas`, `jwt` keys and metadata. */
export function bundleJson(
  td: string,
  cas: readonly TestCa[],
  meta: { sequence?: bigint | number; refreshHint?: number; jwt?: readonly [string, KeyObject][] } = {},
): string {
  const trustDomain = TrustDomain.parse(td);
  return SpiffeBundle.fromX509AndJwt(
    X509Bundle.fromAuthorities(
      trustDomain,
      cas.map((c) => c.root.certificate),
    ),
    JwtBundle.fromKeys(trustDomain, meta.jwt ?? []),
    {
      ...(meta.sequence === undefined ? {} : { sequenceNumber: BigInt(meta.sequence) }),
      ...(meta.refreshHint === undefined ? {} : { refreshHint: meta.refreshHint }),
    },
  ).toJson();
}

/** Stores a bundle document with its `bundle.updated` event, as the CA or the registrar would. */
export async function storeBundle(db: Db, td: string, json: string, source: BundleSource, now = new Date()): Promise<void> {
  await db.transaction(async (tx) => {
    const row = await putBundle(tx, { trustDomain: td, document: JSON.parse(json), source }, now);
    await appendEvent(tx, { kind: EventKinds.bundleUpdated, subject: td, payload: { source, sequence: row.sequence } }, now);
  });
}

/** Creates a relationship with its `federation_relationship.created` event, as the registrar would. */
export async function addRelationship(db: Db, input: NewFederationRelationship, now = new Date()): Promise<void> {
  await db.transaction(async (tx) => {
    await createFederationRelationship(tx, input, now);
    await appendEvent(tx, { kind: EventKinds.federationRelationshipCreated, subject: input.trustDomain }, now);
  });
}

/** Every event after `revision`. */
export async function eventsAfter(db: Db, revision: number): Promise<ChangeEvent[]> {
  return (await readEvents(db, { afterRevision: revision, limit: 1000 })).events;
}

/** PEM text of DER certificates. */
export function pemOf(ders: readonly Uint8Array[]): string {
  return ders.map((d) => `-----BEGIN CERTIFICATE-----\n${Buffer.from(d).toString('base64').replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n')}-----END CERTIFICATE-----\n`).join('');
}

/** TLS credentials of an SVID. */
export function svidCredentials(svid: X509Svid): { cert: string; key: string } {
  const { certificates, privateKey } = svid.marshal();
  return { cert: certificates, key: privateKey };
}

/** Writes the CA certificate of `ca` to `file` (for `extra_ca_files`). */
export async function writeCaFile(file: string, ca: TestCa): Promise<void> {
  await writeFile(file, pemOf([ca.root.certificate]));
}

/** A request handler of {@link TestHttpsServer}. */
export type TestHandler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * A real HTTPS server on 127.0.0.1 for the fetchers to call: counts connections and requests, and
 * lets the test swap its credentials and handler.
 */
export class TestHttpsServer {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  handler: TestHandler;
  /** Requests received (any path). */
  requests = 0;
  /** TCP connections accepted. */
  connections = 0;
  #port = 0;

  private constructor(credentials: { cert: string; key: string }, handler: TestHandler) {
    this.handler = handler;
    this.#server = createServer({ ...credentials, minVersion: 'TLSv1.2' }, (req, res) => {
      this.requests++;
      res.on('error', () => undefined);
      this.handler(req, res);
    });
    this.#server.on('secureConnection', (socket: TLSSocket) => socket.on('error', () => undefined));
    this.#server.on('tlsClientError', () => undefined);
    this.#server.on('connection', (socket: Socket) => {
      this.connections++;
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
  }

  /** Starts a server presenting `credentials`, answering with `handler`. */
  static async start(credentials: { cert: string; key: string }, handler: TestHandler): Promise<TestHttpsServer> {
    const server = new TestHttpsServer(credentials, handler);
    await new Promise<void>((resolve) => server.#server.listen(0, '127.0.0.1', resolve));
    server.#port = (server.#server.address() as AddressInfo).port;
    return server;
  }

  get port(): number {
    return this.#port;
  }

  /** `https://<host>:<port><path>`. */
  url(path = '/bundle', host = '127.0.0.1'): string {
    return `https://${host}:${this.#port}${path}`;
  }

  /** Presents other credentials from the next handshake on. */
  setCredentials(credentials: { cert: string; key: string }): void {
    this.#server.setSecureContext({ ...credentials, minVersion: 'TLSv1.2' });
  }

  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

/** A handler answering 200 with `body` (a JSON document). */
export function serve(body: string | Buffer): TestHandler {
  return (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(body);
  };
}
