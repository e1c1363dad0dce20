/**
 * An SDS server for tests: the service on a grpc-js server bound to a Unix socket in a temporary
 * directory, over an {@link InMemoryWorkloadViews} and a {@link FakeAttestation}, with logs
 * captured and metrics recorded.
 * @module
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { captureLogs, createLogger, type Clock, type LogCapture } from '@signet/platform';
import type { SdsConfig } from '../config.js';
import { createSdsService, type SdsService } from '../service.js';
import { FakeAttestation } from './fake-attestation.js';
import { InMemoryWorkloadViews } from './in-memory-views.js';
import { RecordingMeter } from './recording-meter.js';
import { SdsTestClient } from './sds-test-client.js';

/** Options of {@link startSdsHarness}. */
export interface SdsHarnessOptions {
  readonly trustDomain?: string;
  readonly config?: SdsConfig;
  readonly clock?: Clock;
  readonly views?: InMemoryWorkloadViews;
}

/** A running test SDS server. */
export interface SdsHarness {
  readonly socketPath: string;
  readonly views: InMemoryWorkloadViews;
  readonly attestation: FakeAttestation;
  readonly sds: SdsService;
  readonly server: grpc.Server;
  readonly logs: LogCapture;
  readonly meter: RecordingMeter;
  /** A client acting as test workload `workload` (see `FakeAttestation`); closed with the harness. */
  client(workload?: string): SdsTestClient;
  /** Resolves once `predicate()` holds (polling), or rejects after `timeoutMs`. */
  until(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** Starts an SDS server on a Unix socket. */
export async function startSdsHarness(options: SdsHarnessOptions = {}): Promise<SdsHarness> {
  const dir = await mkdtemp(join(tmpdir(), 'signet-sds-'));
  const socketPath = join(dir, 'agent.sock');
  const views = options.views ?? new InMemoryWorkloadViews(options.trustDomain ?? 'example.org');
  const attestation = new FakeAttestation();
  const logs = captureLogs();
  const logger = createLogger({ level: 'debug', service: 'signet-agent', destination: logs.stream });
  const meter = new RecordingMeter();
  const sds = createSdsService({
    attestation,
    views,
    logger,
    config: options.config ?? {},
    meter: meter.meter,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
  const server = new grpc.Server();
  server.addService(sds.definition, sds.implementation);
  await new Promise<void>((resolve, reject) =>
    server.bindAsync(`unix:${socketPath}`, grpc.ServerCredentials.createInsecure(), (err) => (err ? reject(err) : resolve())),
  );
  const clients: SdsTestClient[] = [];
  return {
    socketPath,
    views,
    attestation,
    sds,
    server,
    logs,
    meter,
    client(workload?: string) {
      const client = new SdsTestClient(socketPath, workload === undefined ? {} : { workload });
      clients.push(client);
      return client;
    },
    async until(predicate, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate()) {
        if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    async close() {
      // Clients first, then let the server see their cancellations before it goes: destroying
      // the server's HTTP/2 sessions while cancellations are unread can leave both ends of the
      // in-process socket waiting for each other.
      for (const client of clients) client.close();
      const deadline = Date.now() + 2000;
      const open = (): number => sds.stats().streams.sotw + sds.stats().streams.delta;
      while (open() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      sds.close();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 500);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      await rm(dir, { recursive: true, force: true });
    },
  };
}
