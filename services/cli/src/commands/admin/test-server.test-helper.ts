/**
 * Test support: the real registrar and CA services over a PGlite test database, mounted on an
 * admin Unix socket with the platform's test gRPC server, and a runner of `signet` commands
 * pointed at that socket.
 * @module
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { metrics, trace } from '@opentelemetry/api';
import { createCaService, caSection, type CaServiceHandle } from '@signet/ca';
import { createNode, getEntry, openPGliteTestDatabase, type Db, type RegistrationEntry, type TestDatabase } from '@signet/datastore';
import { captureLogs, configSchema, coreSections, createLogger, loadConfig, signetProtos, startTestGrpcServer, systemClock, type TestGrpcServer } from '@signet/platform';
import { createRegistrarService, DEFAULT_REGISTRAR_CONFIG, type RegistrarApp } from '@signet/registrar';
import { runCli, type CliRun } from '../../testing.js';

/** The trust domain of the test server. */
export const TEST_TRUST_DOMAIN = 'example.org';
/** The registrar's page size when a request names none: small, so listings span pages. */
export const TEST_DEFAULT_PAGE_SIZE = 3;

/** A running test server. */
export interface AdminTestServer {
  readonly db: Db;
  readonly socketPath: string;
  readonly ca: CaServiceHandle;
  readonly registrar: RegistrarApp;
  /** A scratch directory removed by {@link AdminTestServer.close}. */
  readonly scratch: string;
  /** Runs `signet ...argv --socket <the socket>`. */
  run(argv: readonly string[], env?: Record<string, string | undefined>): Promise<CliRun>;
  /** Records an attested agent as the attestation service does; returns its SPIFFE ID. */
  addAgent(name: string): Promise<string>;
  close(): Promise<void>;
}

function authorizedEntry(entry: RegistrationEntry) {
  return { id: entry.id, spiffeId: entry.spiffeId, x509SvidTtl: entry.x509SvidTtl, jwtSvidTtl: entry.jwtSvidTtl, dnsNames: entry.dnsNames, expiresAt: entry.expiresAt };
}

/** Starts the registrar and the CA on a fresh database behind a new admin socket. */
export async function startAdminTestServer(): Promise<AdminTestServer> {
  const database: TestDatabase = await openPGliteTestDatabase();
  const scratch = await mkdtemp(join(tmpdir(), 'signet-cli-admin-'));
  const logger = createLogger({ level: 'error', service: 'cli-test', destination: captureLogs().stream });
  const { config } = loadConfig({
    schema: configSchema(coreSections(), caSection),
    overrides: { trust_domain: TEST_TRUST_DOMAIN, data_dir: scratch, 'ca.key_manager': 'memory' },
  });
  const db = database.db;
  const ca = await createCaService({
    db,
    config,
    clock: systemClock,
    logger,
    meter: metrics.getMeter('cli-test'),
    tracer: trace.getTracer('cli-test'),
    followEvents: false,
    authorizer: {
      // Admin calls only: no agent is authorized for anything.
      authorizedEntry: async () => undefined,
      getEntry: async (id) => {
        const entry = await getEntry(db, id);
        return entry === undefined ? undefined : authorizedEntry(entry);
      },
    },
  });
  await ca.start();
  const registrar = createRegistrarService({ db, trustDomain: TEST_TRUST_DOMAIN, logger, config: { ...DEFAULT_REGISTRAR_CONFIG, default_page_size: TEST_DEFAULT_PAGE_SIZE } });
  const protos = signetProtos();
  const server: TestGrpcServer = await startTestGrpcServer({
    services: [
      { definition: protos.registrar, impl: registrar.service },
      { definition: protos.ca, impl: ca.service },
    ],
  });
  return {
    db,
    socketPath: server.socketPath,
    ca,
    registrar,
    scratch,
    run: (argv, env = {}) => runCli([...argv, '--socket', server.socketPath], env),
    async addAgent(name) {
      const spiffeId = `spiffe://${TEST_TRUST_DOMAIN}/spire/agent/join_token/${name}`;
      await createNode(db, { spiffeId, attestationType: 'join_token', certSerial: '0a1b2c', certNotAfter: new Date(Date.now() + 3_600_000) }, new Date());
      return spiffeId;
    },
    async close() {
      await server.close();
      await registrar.close();
      await ca.close();
      await database.dispose();
      await rm(scratch, { recursive: true, force: true });
    },
  };
}
