import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { encodePem } from '@signet/spiffe';
import type { WorkloadSvid } from '../domain/view.js';
import { identities, WEB_ID } from './identities.test-helper.js';
import { pemBlockLength, writePemBlock } from './pem.js';
import { SECRET_TYPE_URL, sdsProtos } from './protos.js';
import { allocSecretBytes, encodeResourceField } from './response-wire.js';
import { encodeTlsCertificate } from './secret-encoder.js';

/** The secret as protobufjs encodes it from the same fields: the reference the direct writer must match. */
function reference(name: string, svid: WorkloadSvid): Uint8Array {
  return sdsProtos()
    .Secret.encode({
      name,
      tls_certificate: {
        certificate_chain: { inline_bytes: Buffer.from(svid.certChain.map((der) => encodePem('CERTIFICATE', der)).join(''), 'ascii') },
        private_key: { inline_bytes: Buffer.from(encodePem('PRIVATE KEY', svid.privateKey), 'ascii') },
      },
    })
    .finish();
}

describe('PEM blocks written into a buffer', () => {
  // DER lengths around the 48-octet line boundary (64 base64 characters) and the base64 padding.
  for (const length of [0, 1, 2, 3, 47, 48, 49, 95, 96, 97, 300, 1000]) {
    it(`are the bytes of encodePem for ${length} octets, of the announced length`, () => {
      const der = randomBytes(length);
      const expected = Buffer.from(encodePem('CERTIFICATE', der), 'ascii');
      assert.equal(pemBlockLength('CERTIFICATE', length), expected.byteLength);
      const out = Buffer.alloc(expected.byteLength + 3, 0xee);
      assert.equal(writePemBlock(out, 2, 'CERTIFICATE', der), 2 + expected.byteLength);
      assert.ok(out.subarray(2, 2 + expected.byteLength).equals(expected));
      assert.equal(out[0], 0xee, 'nothing written before');
      assert.equal(out[out.byteLength - 1], 0xee, 'nothing written after');
    });
  }
});

describe('encodeTlsCertificate', () => {
  const ids = identities();
  const long = `spiffe://example.org/${'ns/'.repeat(60)}web`;
  const cases: ReadonlyArray<readonly [string, string, WorkloadSvid]> = [
    ['a leaf under "default"', 'default', ids.web],
    ['a leaf under its SPIFFE ID', WEB_ID, ids.web],
    ['a chain of two certificates', 'default', { ...ids.web, certChain: [ids.web.certChain[0]!, ids.ca.root.certificate] }],
    ['a name longer than 127 octets (two-octet lengths)', long, ids.svid(long)],
    ['a non-ASCII name', 'défaut', ids.web],
  ];
  for (const [what, name, svid] of cases) {
    it(`writes ${what} exactly as protobufjs encodes the Secret`, () => {
      const r = encodeTlsCertificate(name, svid);
      const expected = reference(name, svid);
      assert.equal(Buffer.from(r.any.value).toString('hex'), Buffer.from(expected).toString('hex'));
      assert.equal(r.any.type_url, SECRET_TYPE_URL);
      assert.ok(Buffer.from(r.wire!).equals(Buffer.from(encodeResourceField(SECRET_TYPE_URL, expected).field)), 'the wire field wraps the same bytes');
      const decoded = sdsProtos().Secret.decode(r.any.value) as unknown as { name: string; tls_certificate: { private_key: { inline_bytes: Uint8Array } } };
      assert.equal(decoded.name, name);
      assert.match(Buffer.from(decoded.tls_certificate.private_key.inline_bytes).toString('ascii'), /^-----BEGIN PRIVATE KEY-----\n/);
    });
  }

  it('gives equal versions for equal content and different versions for different names', () => {
    assert.equal(encodeTlsCertificate('default', ids.web).version, encodeTlsCertificate('default', ids.web).version);
    assert.notEqual(encodeTlsCertificate('default', ids.web).version, encodeTlsCertificate(WEB_ID, ids.web).version);
  });
});

describe('secret buffers', () => {
  it('carves small secrets from shared slabs without overlap, and gives large ones a buffer of their own', () => {
    const sizes = [1, 7, 8, 1104, 2300, 4096, 969, 3000, 4097, 20_000, 500, 1200, 1200, 1200];
    const pieces = sizes.map((size, i) => {
      const piece = allocSecretBytes(size);
      piece.fill(i + 1);
      return piece;
    });
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i]!;
      assert.equal(piece.byteLength, sizes[i], `piece ${i} length`);
      assert.ok(piece.every((b) => b === i + 1), `piece ${i} was overwritten by a later one`);
      assert.equal(piece.byteOffset % 8, 0, `piece ${i} is 8-byte aligned`);
      if (sizes[i]! > 4096) assert.equal(piece.buffer.byteLength, sizes[i], `piece ${i} (large) has its own buffer`);
      else assert.equal(piece.buffer.byteLength, 16 * 1024, `piece ${i} (small) comes from a 16 KB slab`);
    }
  });

  it('keeps every secret of a rotation intact while thousands are encoded', () => {
    const svid: WorkloadSvid = identities().svid(WEB_ID);
    const secrets = Array.from({ length: 2000 }, (_, i) => encodeTlsCertificate(`name-${i}`, svid));
    const decoded = secrets.map((r) => sdsProtos().Secret.decode(r.any.value) as unknown as { name: string });
    assert.deepEqual(decoded.map((d) => d.name), secrets.map((_, i) => `name-${i}`));
  });
});
