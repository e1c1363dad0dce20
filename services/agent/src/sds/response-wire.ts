/**
 * The wire encoding of SotW `DiscoveryResponse`s, written directly: each resource's `Any` field is
 * encoded once (and shared by every stream that sends it), and a response is its version, those
 * fields, the type URL and its nonce, concatenated. At 10,000 streams, going through proto-loader's
 * `fromObject` and protobufjs for every response cost a noticeable share of a rotation's push.
 * The `StreamSecrets` definition of the SDS service encodes a response this way as grpc-js frames it.
 * @module
 */
import type { SdsResource } from './resource.js';
import type { SotwResponse } from './sotw-state.js';
import { SECRET_TYPE_URL } from './protos.js';
import { fieldSize, stringFieldSize, writeFieldHeader, writeStringField } from './protobuf-wire.js';

// Field tags (field number << 3 | wire type 2, length-delimited).
const ANY_TYPE_URL = 0x0a; // google.protobuf.Any.type_url = 1
const ANY_VALUE = 0x12; // google.protobuf.Any.value = 2
const VERSION_INFO = 0x0a; // DiscoveryResponse.version_info = 1
const RESOURCES = 0x12; // DiscoveryResponse.resources = 2
const TYPE_URL = 0x22; // DiscoveryResponse.type_url = 4
const NONCE = 0x2a; // DiscoveryResponse.nonce = 5

/**
 * A SotW response that the `StreamSecrets` serializer encodes when grpc-js frames it (see
 * {@link encodeSotwResponseTransient}), instead of the stream encoding it into a buffer first.
 */
export class SotwWireMessage {
  constructor(readonly response: SotwResponse) {}
}

/** Reused by {@link encodeSotwResponseTransient}; grows to the largest response. */
let scratch = Buffer.allocUnsafeSlow(4096);

/**
 * The encoded `DiscoveryResponse` of `response` (canary false, no control plane) in a buffer
 * reused from call to call: valid only until the next call. For a gRPC serializer only: grpc-js
 * copies a serializer's output into the framed message at once (`serializeMessage`), so a push
 * allocates one buffer, not two.
 */
export function encodeSotwResponseTransient(response: SotwResponse): Buffer {
  let size = stringFieldSize(response.versionInfo) + stringFieldSize(SECRET_TYPE_URL) + stringFieldSize(response.nonce);
  for (const r of response.resources) size += resourceField(r).byteLength;
  if (scratch.byteLength < size) scratch = Buffer.allocUnsafeSlow(Math.max(size, 2 * scratch.byteLength));
  const out = scratch.subarray(0, size);
  let pos = writeStringField(out, 0, VERSION_INFO, response.versionInfo);
  for (const r of response.resources) {
    const field = resourceField(r);
    out.set(field, pos);
    pos += field.byteLength;
  }
  pos = writeStringField(out, pos, TYPE_URL, SECRET_TYPE_URL);
  pos = writeStringField(out, pos, NONCE, response.nonce);
  if (pos !== size) throw new Error(`SDS: internal error: response length ${pos} ≠ ${size}`);
  return out;
}

/**
 * Encodes a `resources` field (tag, length, `Any { type_url, value }`) into a buffer of its own,
 * and returns it with `value` as a view into it, so that a resource holds its bytes once.
 */
export function encodeResourceField(typeUrl: string, value: Uint8Array): { readonly field: Uint8Array; readonly value: Uint8Array } {
  const { field, valueAt } = allocResourceField(typeUrl, value.byteLength);
  field.set(value, valueAt);
  return { field, value: field.subarray(valueAt) };
}

/**
 * A buffer for a `resources` field whose `Any` has `typeUrl` and a value of `valueLength` octets,
 * with everything but the value written; the value goes at `valueAt`.
 */
export function allocResourceField(typeUrl: string, valueLength: number): { readonly field: Buffer; readonly valueAt: number } {
  const anyLength = stringFieldSize(typeUrl) + fieldSize(valueLength);
  const field = allocSecretBytes(fieldSize(anyLength));
  let pos = writeFieldHeader(field, 0, RESOURCES, anyLength);
  pos = writeStringField(field, pos, ANY_TYPE_URL, typeUrl);
  return { field, valueAt: writeFieldHeader(field, pos, ANY_VALUE, valueLength) };
}

/** Slabs that secrets are carved from, and the largest piece carved (larger secrets get their own buffer). */
const SECRET_SLAB_SIZE = 16 * 1024;
const SECRET_SLAB_MAX_PIECE = 4 * 1024;
let secretSlab = Buffer.allocUnsafeSlow(0);
let secretSlabUsed = 0;

/**
 * `size` octets for an encoded secret. A rotation encodes a secret per workload, thousands at
 * once: a buffer of its own each (a new ArrayBuffer, about 2–3 µs, and one more object for the GC
 * to track) cost more than writing it. So secrets are carved from 16 KB slabs that hold nothing
 * else, which they share with secrets encoded about the same time (and replaced about the same
 * time, at the next rotation): a slab is freed once all its secrets are. Unlike Node's shared
 * 8 KB Buffer pool, no short-lived allocation of gRPC or HTTP/2 ever pins a slab.
 */
export function allocSecretBytes(size: number): Buffer {
  if (size > SECRET_SLAB_MAX_PIECE) return Buffer.allocUnsafeSlow(size);
  if (secretSlabUsed + size > secretSlab.byteLength) {
    secretSlab = Buffer.allocUnsafeSlow(SECRET_SLAB_SIZE);
    secretSlabUsed = 0;
  }
  const piece = secretSlab.subarray(secretSlabUsed, secretSlabUsed + size);
  secretSlabUsed += (size + 7) & ~7;
  return piece;
}

/**
 * The `resources` field of `resource`: its own `wire` (every secret the encoders make has one), or
 * encoded now (resources made by hand, in tests).
 */
function resourceField(resource: SdsResource): Uint8Array {
  return resource.wire ?? encodeResourceField(resource.any.type_url, resource.any.value).field;
}
