/**
 * Test support: an authority manager over a test database, a fake clock and a key manager.
 * @module
 */
import { trace } from '@opentelemetry/api';
import type { Db } from '@signet/datastore';
import { captureLogs, createLogger, FakeClock, type LogCapture, type Logger } from '@signet/platform';
import { TrustDomain } from '@signet/spiffe';
import { AuthorityFactory } from '../authority/authority-factory.js';
import { AuthorityManager } from '../authority/manager.js';
import type { KeyManager } from '../keymanager/key-manager.js';
import type { KeyType } from '../keymanager/key-types.js';
import { MemoryKeyManager } from '../keymanager/memory.js';
import type { UpstreamAuthority } from '../upstream/upstream.js';

/** The trust domain of the tests. */
export const TD = TrustDomain.parse('example.org');

/** One hour in seconds. */
export const HOUR = 3600;

/** Options of {@link testManager}. */
export interface TestManagerOptions {
  readonly clock?: FakeClock;
  readonly keyManager?: KeyManager;
  readonly upstream?: UpstreamAuthority;
  readonly caTtlSeconds?: number;
  readonly jwtTtlSeconds?: number;
  readonly x509KeyType?: KeyType;
  readonly jwtKeyType?: KeyType;
  readonly refreshHintSeconds?: number;
}

/** A manager and what it was built from. */
export interface TestManager {
  readonly manager: AuthorityManager;
  readonly clock: FakeClock;
  readonly keyManager: KeyManager;
  readonly logs: LogCapture;
  readonly logger: Logger;
}

/** Builds an {@link AuthorityManager} on `db` with test defaults (CA and JWT keys live 24 h). */
export function testManager(db: Db, options: TestManagerOptions = {}): TestManager {
  const clock = options.clock ?? new FakeClock();
  const keyManager = options.keyManager ?? new MemoryKeyManager();
  const logs = captureLogs();
  const logger = createLogger({ level: 'info', service: 'ca', destination: logs.stream });
  const factory = new AuthorityFactory({
    trustDomain: TD,
    keyManager,
    upstream: options.upstream,
    x509: { keyType: options.x509KeyType ?? 'ec-p256', ttlSeconds: options.caTtlSeconds ?? 24 * HOUR },
    jwt: { keyType: options.jwtKeyType ?? 'ec-p256', ttlSeconds: options.jwtTtlSeconds ?? 24 * HOUR },
  });
  const manager = new AuthorityManager({
    db,
    trustDomain: TD,
    clock,
    logger,
    factory,
    refreshHintSeconds: options.refreshHintSeconds ?? 300,
    tracer: trace.getTracer('test'),
  });
  return { manager, clock, keyManager, logs, logger };
}
