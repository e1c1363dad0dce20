import assert from 'node:assert/strict';
import { createPublicKey, sign, verify } from 'node:crypto';
import { mkdtemp, readdir, rm, stat, chmod, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { DiskKeyManager } from './disk.js';
import { KEY_TYPES, keyTypeOf } from './key-types.js';
import type { KeyManager } from './key-manager.js';
import { MemoryKeyManager } from './memory.js';
import { createKeyManager } from './registry.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'signet-ca-keys-'));
});
after(async () => rm(dir, { recursive: true, force: true }));

function signsAndVerifies(privateKey: import('node:crypto').KeyObject, spki: Uint8Array): boolean {
  const data = Buffer.from('signet');
  const publicKey = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  return verify('sha256', data, publicKey, sign('sha256', data, privateKey));
}

describe('key managers', () => {
  const managers: [string, () => Promise<KeyManager>][] = [
    ['memory', async () => new MemoryKeyManager()],
    ['disk', () => DiskKeyManager.open(join(dir, 'shared'))],
  ];
  for (const [name, open] of managers) {
    describe(name, () => {
      for (const keyType of KEY_TYPES) {
        it(`generates a ${keyType} key whose public key matches its signer`, async () => {
          const keys = await open();
          const key = await keys.generateKey(`${name}-${keyType}`, keyType);
          assert.equal(key.keyType, keyType);
          assert.equal(keyTypeOf(key.signer.privateKey), keyType);
          assert.ok(signsAndVerifies(key.signer.privateKey, key.publicKey));
          assert.equal((await keys.getKey(key.id))?.id, key.id);
        });
      }

      it('refuses an id that is taken or not a key id, and deletes idempotently', async () => {
        const keys = await open();
        await keys.generateKey(`${name}-dup`, 'ec-p256');
        await assert.rejects(keys.generateKey(`${name}-dup`, 'ec-p256'), /already exists/);
        for (const bad of ['', '../x', '.hidden', 'a/b', 'x'.repeat(129)]) {
          await assert.rejects(keys.generateKey(bad, 'ec-p256'), TypeError, `id ${JSON.stringify(bad)}`);
        }
        await keys.deleteKey(`${name}-dup`);
        await keys.deleteKey(`${name}-dup`);
        assert.equal(await keys.getKey(`${name}-dup`), undefined);
      });

      it('never shows the private key when the key is logged or serialised', async () => {
        const keys = await open();
        const key = await keys.generateKey(`${name}-log`, 'ec-p256');
        const pem = key.signer.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
        const body = pem.split('\n')[1] as string;
        assert.ok(!JSON.stringify(key).includes(body));
        assert.ok(!inspect(key, { depth: 5 }).includes('PRIVATE'));
        assert.match(JSON.stringify(key), /\[private key\]/);
      });
    });
  }
});

describe('disk key manager', () => {
  it('writes one 0600 PKCS#8 file per key in a 0700 directory, atomically', async () => {
    const keysDir = join(dir, 'modes');
    await mkdir(keysDir, { mode: 0o755 });
    const keys = await DiskKeyManager.open(keysDir);
    assert.equal((await stat(keysDir)).mode & 0o777, 0o700, 'a looser directory is tightened');
    await keys.generateKey('x509-a', 'ec-p256');
    await keys.generateKey('jwt-b', 'rsa-2048');
    assert.deepEqual((await readdir(keysDir)).sort(), ['jwt-b.pem', 'x509-a.pem'], 'no temporary file is left');
    for (const f of ['jwt-b.pem', 'x509-a.pem']) assert.equal((await stat(join(keysDir, f))).mode & 0o777, 0o600, f);
  });

  it('reloads the same keys after a restart (a new manager on the same directory)', async () => {
    const dataDir = join(dir, 'restart-data');
    const first = await createKeyManager('disk', dataDir);
    const key = await first.generateKey('x509-keep', 'ec-p384');
    const second = await createKeyManager('disk', dataDir);
    assert.deepEqual(await readdir(join(dataDir, 'keys')), ['x509-keep.pem']);
    const again = await second.getKey('x509-keep');
    assert.ok(again, 'found after restart');
    assert.deepEqual(Buffer.from(again.publicKey), Buffer.from(key.publicKey));
    assert.equal(again.keyType, 'ec-p384');
    assert.ok(signsAndVerifies(again.signer.privateKey, key.publicKey));
    assert.equal(await second.getKey('x509-missing'), undefined);
  });

  it('refuses key files readable by group or others, and files that are not keys', async () => {
    const keysDir = join(dir, 'loose');
    const keys = await DiskKeyManager.open(keysDir);
    await keys.generateKey('x509-loose', 'ec-p256');
    await chmod(join(keysDir, 'x509-loose.pem'), 0o644);
    const fresh = await DiskKeyManager.open(keysDir);
    await assert.rejects(fresh.getKey('x509-loose'), /accessible by group or others/);
    await writeFile(join(keysDir, 'x509-junk.pem'), 'not a key', { mode: 0o600 });
    await assert.rejects(fresh.getKey('x509-junk'), (err: Error) => /does not hold a supported PKCS#8 private key/.test(err.message) && !err.message.includes('not a key'));
  });
});
