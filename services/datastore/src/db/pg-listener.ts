/**
 * LISTEN on a dedicated Postgres connection that survives connection loss.
 *
 * Notifications need a connection that stays open, so they cannot use the
 * pool. One {@link PgListener} per `Db` multiplexes every channel over one
 * client. When that client fails (server restart, a terminated backend, a
 * failed health check), it reconnects with jittered exponential backoff
 * (100 ms doubling to 5 s), LISTENs every channel again, and tells every
 * subscriber through `onReconnect`, because notifications sent while it was
 * away are lost.
 * @module
 */
import pg from 'pg';
import { UnavailableError } from '../errors.js';
import type { DatastoreLogger } from '../logger.js';
import { translateDbError } from './translate-error.js';
import { runOutsideTransactions } from './tx-guard.js';
import type { ListenOptions, Unlisten } from './types.js';

/** Configuration of a {@link PgListener}. */
export interface PgListenerConfig {
  /** Connection settings of the dedicated client (`application_name` included). */
  readonly client: pg.ClientConfig;
  /** Where connection losses and reconnects are reported. */
  readonly logger: DatastoreLogger;
  /** How often the idle connection is probed with `SELECT 1`, in ms; 0 disables. */
  readonly healthCheckMs: number;
}

interface Subscriber extends ListenOptions {
  readonly onPayload: (payload: string) => void;
}

interface Channel {
  readonly subscribers: Set<Subscriber>;
  ready: Promise<void>;
}

const CHANNEL_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const MAX_BACKOFF_MS = 5_000;

/** A dedicated, self-healing LISTEN connection shared by all channels of one `Db`. */
export class PgListener {
  readonly #config: PgListenerConfig;
  readonly #channels = new Map<string, Channel>();
  #client: pg.Client | undefined;
  #connecting: Promise<pg.Client> | undefined;
  #lostSinceLastConnect = false;
  #failures = 0;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #healthTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(config: PgListenerConfig) {
    this.#config = config;
  }

  /** Subscribes to `channel`; resolves once the server is listening on it. */
  async add(channel: string, onPayload: (payload: string) => void, options: ListenOptions = {}): Promise<Unlisten> {
    if (!CHANNEL_NAME.test(channel)) {
      throw new TypeError(`listen: channel must be a lowercase identifier (got ${JSON.stringify(channel)})`);
    }
    if (this.#closed) throw new UnavailableError('datastore is closed');
    const subscriber: Subscriber = { onPayload, ...options };
    let entry = this.#channels.get(channel);
    if (entry === undefined) {
      const created: Channel = { subscribers: new Set(), ready: Promise.resolve() };
      created.ready = this.#ensureConnected().then(async (client) => {
        await client.query(`LISTEN ${channel}`);
      });
      entry = created;
      this.#channels.set(channel, entry);
    }
    entry.subscribers.add(subscriber);
    try {
      await entry.ready;
    } catch (err) {
      this.#forget(channel, subscriber);
      throw translateDbError(err);
    }
    let removed = false;
    return async () => {
      if (removed) return;
      removed = true;
      await this.#remove(channel, subscriber);
    };
  }

  /** Stops listening and closes the connection. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#reconnectTimer);
    clearInterval(this.#healthTimer);
    const client = this.#client;
    this.#client = undefined;
    this.#channels.clear();
    await this.#connecting?.catch(() => undefined);
    await client?.end().catch(() => undefined);
  }

  #ensureConnected(): Promise<pg.Client> {
    if (this.#client !== undefined) return Promise.resolve(this.#client);
    if (this.#connecting === undefined) {
      this.#connecting = this.#connect().finally(() => {
        this.#connecting = undefined;
      });
    }
    return this.#connecting;
  }

  async #connect(): Promise<pg.Client> {
    const client = runOutsideTransactions(() => new pg.Client(this.#config.client));
    client.on('error', (err) => this.#lost(client, err));
    client.on('end', () => this.#lost(client, undefined));
    client.on('notification', (msg) => this.#dispatch(msg.channel, msg.payload ?? ''));
    try {
      await client.connect();
      for (const channel of this.#channels.keys()) await client.query(`LISTEN ${channel}`);
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    if (this.#closed) {
      await client.end().catch(() => undefined);
      throw new UnavailableError('datastore is closed');
    }
    this.#client = client;
    this.#failures = 0;
    this.#startHealthCheck(client);
    if (this.#lostSinceLastConnect) {
      this.#lostSinceLastConnect = false;
      this.#config.logger.info('datastore listener reconnected', { channels: [...this.#channels.keys()] });
      this.#notifyReconnect();
    }
    return client;
  }

  #lost(client: pg.Client, err: Error | undefined): void {
    if (client !== this.#client) return;
    this.#client = undefined;
    clearInterval(this.#healthTimer);
    client.end().catch(() => undefined);
    if (this.#closed) return;
    this.#lostSinceLastConnect = true;
    this.#config.logger.warn('datastore listener connection lost; reconnecting', { error: err });
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    if (this.#closed || this.#reconnectTimer !== undefined) return;
    const base = Math.min(MAX_BACKOFF_MS, 100 * 2 ** this.#failures);
    const delay = base / 2 + Math.random() * (base / 2);
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined;
      this.#ensureConnected().catch((err: unknown) => {
        this.#failures += 1;
        this.#config.logger.warn('datastore listener reconnect failed', { error: err, attempt: this.#failures });
        this.#scheduleReconnect();
      });
    }, delay);
    this.#reconnectTimer.unref();
  }

  #startHealthCheck(client: pg.Client): void {
    clearInterval(this.#healthTimer);
    if (this.#config.healthCheckMs <= 0) return;
    this.#healthTimer = setInterval(() => {
      client.query('SELECT 1').catch((err: unknown) => this.#lost(client, err instanceof Error ? err : undefined));
    }, this.#config.healthCheckMs);
    this.#healthTimer.unref();
  }

  #dispatch(channel: string, payload: string): void {
    const entry = this.#channels.get(channel);
    if (entry === undefined) return;
    for (const subscriber of entry.subscribers) {
      try {
        subscriber.onPayload(payload);
      } catch (err) {
        this.#config.logger.error('datastore notification handler threw', { channel, error: err });
      }
    }
  }

  #notifyReconnect(): void {
    for (const entry of this.#channels.values()) {
      for (const subscriber of entry.subscribers) {
        try {
          subscriber.onReconnect?.();
        } catch (err) {
          this.#config.logger.error('datastore reconnect handler threw', { error: err });
        }
      }
    }
  }

  #forget(channel: string, subscriber: Subscriber): boolean {
    const entry = this.#channels.get(channel);
    if (entry === undefined) return false;
    entry.subscribers.delete(subscriber);
    if (entry.subscribers.size > 0) return false;
    this.#channels.delete(channel);
    return true;
  }

  async #remove(channel: string, subscriber: Subscriber): Promise<void> {
    if (!this.#forget(channel, subscriber)) return;
    await this.#client?.query(`UNLISTEN ${channel}`).catch(() => undefined);
  }
}
