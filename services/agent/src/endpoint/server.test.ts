import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  credentials,
  makeGenericClientConstructor,
  status,
  type Client,
  type sendUnaryData,
  type ServerUnaryCall,
  type ServiceDefinition,
  type ServiceError,
} from '@grpc/grpc-js';
import { ApiError, captureLogs, createLogger } from '@signet/platform';
import { createUnixAttestor } from '../workload-attestor/unix.js';
import { createWorkloadEndpoint } from './server.js';
import type { WorkloadEndpoint } from './types.js';

/** What the test service answers: the peer name grpc-js gave the call and the caller's selectors. */
interface WhoAnswer {
  readonly peer: string;
  readonly selectors: string[];
}

const raw = { serialize: (b: Buffer) => b, deserialize: (b: Buffer) => b };
const method = (path: string) => ({
  path,
  requestStream: false,
  responseStream: false,
  requestSerialize: raw.serialize,
  requestDeserialize: raw.deserialize,
  responseSerialize: raw.serialize,
  responseDeserialize: raw.deserialize,
});
/** `Who` answers at once; `Hold` answers once `holdUntil` calls are in progress together. */
const WHO_SERVICE = { Who: method('/signet.test.Who/Who'), Hold: method('/signet.test.Who/Hold') } satisfies ServiceDefinition;
type WhoClient = Client & Record<'Who' | 'Hold', (req: Buffer, cb: (err: ServiceError | null, res?: Buffer) => void) => void>;
const WhoClient = makeGenericClientConstructor(WHO_SERVICE, 'Who') as unknown as new (target: string, creds: ReturnType<typeof credentials.createInsecure>, options?: object) => WhoClient;

function call(client: WhoClient, name: 'Who' | 'Hold'): Promise<WhoAnswer> {
  return new Promise((resolve, reject) => {
    client[name](Buffer.alloc(0), (err, res) => (err !== null ? reject(err) : resolve(JSON.parse(String(res)) as WhoAnswer)));
  });
}

/** A client with its own connection (grpc-js shares connections between clients of one target by default). */
function newClient(path: string): WhoClient {
  return new WhoClient(`unix://${path}`, credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 });
}

/** Calls `method` from a child process on a connection of its own; resolves with the child's pid and the answer. */
async function callFromChild(path: string, name: 'Who' | 'Hold'): Promise<{ pid: number; answer: WhoAnswer }> {
  const grpcPath = createRequire(import.meta.url).resolve('@grpc/grpc-js');
  const script = `
    const grpc = require(${JSON.stringify(grpcPath)});
    const raw = (b) => b;
    const m = (p) => ({ path: p, requestStream: false, responseStream: false, requestSerialize: raw, requestDeserialize: raw, responseSerialize: raw, responseDeserialize: raw });
    const Client = grpc.makeGenericClientConstructor({ Who: m('/signet.test.Who/Who'), Hold: m('/signet.test.Who/Hold') }, 'Who');
    const client = new Client(${JSON.stringify(`unix://${path}`)}, grpc.credentials.createInsecure());
    client[${JSON.stringify(name)}](Buffer.alloc(0), (err, res) => {
      if (err) { console.error(err.message); process.exit(2); }
      process.stdout.write(String(res));
      client.close();
    });
  `;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let errors = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`the child failed (${code}): ${errors}`);
  return { pid: child.pid ?? -1, answer: JSON.parse(out) as WhoAnswer };
}

describe('the workload endpoint', () => {
  let dir: string;
  let path: string;
  let endpoint: WorkloadEndpoint;
  let holdUntil = 2;
  let held: (() => void)[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'signet-endpoint-'));
    path = join(dir, 'agent.sock');
    endpoint = createWorkloadEndpoint({
      path,
      attestors: [createUnixAttestor()],
      logger: createLogger({ level: 'warn', service: 'test', destination: captureLogs().stream }),
      closeGraceMs: 100,
    });
    const answer = async (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>): Promise<void> => {
      try {
        const caller = await endpoint.attestCaller(call);
        const body: WhoAnswer = { peer: call.getPeer(), selectors: caller.selectors.map((s) => `${s.type}:${s.value}`) };
        callback(null, Buffer.from(JSON.stringify(body)));
      } catch (err) {
        callback({ code: err instanceof ApiError && err.apiCode === 'permission_denied' ? status.PERMISSION_DENIED : status.INTERNAL, details: String(err) });
      }
    };
    endpoint.addService(WHO_SERVICE, {
      Who: (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) => void answer(call, callback),
      Hold: (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) => {
        held.push(() => void answer(call, callback));
        if (held.length >= holdUntil) {
          const release = held;
          held = [];
          release.forEach((go) => go());
        }
      },
    });
    await endpoint.listen();
  });
  after(async () => {
    await endpoint.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('creates the socket file with mode 0777', async () => {
    const stats = await stat(path);
    assert.ok(stats.isSocket());
    assert.equal(stats.mode & 0o777, 0o777);
  });

  test('attests a caller in this process: its uid and pid', async () => {
    const client = newClient(path);
    try {
      const { selectors } = await call(client, 'Who');
      assert.ok(selectors.includes(`unix:uid:${process.getuid?.()}`), selectors.join('\n'));
      assert.ok(selectors.includes(`unix:pid:${process.pid}`));
    } finally {
      client.close();
    }
  });

  test("names every call's peer after its connection (grpc-js would say 'unknown' on a Unix socket)", async () => {
    const client = newClient(path);
    try {
      const first = await call(client, 'Who');
      const second = await call(client, 'Who');
      assert.match(first.peer, /^uds-\d+$/);
      assert.equal(second.peer, first.peer, 'calls on one connection share its name');
    } finally {
      client.close();
    }
  });

  test('attests a caller in another process as that process', async () => {
    const { pid, answer } = await callFromChild(path, 'Who');
    assert.ok(answer.selectors.includes(`unix:pid:${pid}`), answer.selectors.join('\n'));
    assert.ok(!answer.selectors.includes(`unix:pid:${process.pid}`));
  });

  test('tells two connections open at the same time apart', async () => {
    holdUntil = 2;
    const client = newClient(path);
    try {
      const [mine, theirs] = await Promise.all([call(client, 'Hold'), callFromChild(path, 'Hold')]);
      assert.notEqual(mine.peer, theirs.answer.peer);
      assert.ok(mine.selectors.includes(`unix:pid:${process.pid}`));
      assert.ok(theirs.answer.selectors.includes(`unix:pid:${theirs.pid}`));
      assert.ok(!theirs.answer.selectors.includes(`unix:pid:${process.pid}`));
    } finally {
      client.close();
    }
  });

  test('serves thousands of concurrent calls on one connection (Envoy opens a stream per secret)', async () => {
    const count = 2_000;
    holdUntil = count;
    const client = newClient(path);
    try {
      const answers = await Promise.all(Array.from({ length: count }, () => call(client, 'Hold')));
      assert.equal(answers.length, count);
      assert.equal(new Set(answers.map((a) => a.peer)).size, 1, 'all on one connection');
    } finally {
      client.close();
      holdUntil = 2;
    }
  });
});

describe('closing the workload endpoint', () => {
  test('ends calls still open after the grace period and removes the socket file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'signet-endpoint-close-'));
    const path = join(dir, 'agent.sock');
    const endpoint = createWorkloadEndpoint({
      path,
      attestors: [],
      logger: createLogger({ level: 'warn', service: 'test', destination: captureLogs().stream }),
      closeGraceMs: 50,
    });
    let arrived!: () => void;
    const inHandler = new Promise<void>((resolve) => (arrived = resolve));
    endpoint.addService(WHO_SERVICE, {
      Who: () => {},
      Hold: () => arrived(), // never answers
    });
    await endpoint.listen();
    const client = newClient(path);
    try {
      // Settled as soon as the call ends, so its rejection is never unhandled while close() runs.
      const pending = call(client, 'Hold').then(
        () => undefined,
        (err: ServiceError) => err,
      );
      await inHandler;
      const started = performance.now();
      await endpoint.close();
      assert.ok(performance.now() - started < 2_000);
      const ended = await pending;
      assert.ok(ended !== undefined, 'the held call was ended, not answered');
      assert.ok([status.UNAVAILABLE, status.CANCELLED].includes(ended.code), `ended with ${ended.code}`);
      await assert.rejects(stat(path), /ENOENT/);
    } finally {
      client.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('refuses a second endpoint on a socket that is being listened on', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'signet-endpoint-busy-'));
    const path = join(dir, 'agent.sock');
    const logger = createLogger({ level: 'warn', service: 'test', destination: captureLogs().stream });
    const first = createWorkloadEndpoint({ path, attestors: [], logger });
    const second = createWorkloadEndpoint({ path, attestors: [], logger });
    try {
      await first.listen();
      await assert.rejects(second.listen(), /another process is listening on it/);
      assert.ok((await stat(path)).isSocket(), "the first endpoint's socket is left alone");
    } finally {
      await second.close();
      await first.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
