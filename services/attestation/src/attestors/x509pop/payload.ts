/**
 * The x509pop payload: the node's certificate chain as DER certificates concatenated, leaf
 * first, then any intermediates (each DER certificate carries its own length, so no framing
 * is needed).
 * @module
 */
import { X509Certificate } from 'node:crypto';
import { ApiError } from '@signet/platform';
import { readTlv } from '../../internal/der.js';

/** Most certificates a payload may hold (leaf plus intermediates). */
export const MAX_CHAIN_CERTIFICATES = 8;
/** Largest payload accepted, in bytes. */
export const MAX_PAYLOAD_BYTES = 64 * 1024;

const FIELD = 'params.payload';

/**
 * Encodes a chain (leaf first) as an x509pop payload: what an agent sends.
 *
 * @example
 * ```ts
 * const payload = encodeX509PopPayload([leafDer, intermediateDer]);
 * ```
 */
export function encodeX509PopPayload(chain: readonly Uint8Array[]): Uint8Array {
  if (chain.length === 0) throw new TypeError('encodeX509PopPayload: the chain needs at least the leaf certificate');
  return Buffer.concat(chain.map((der) => Buffer.from(der.buffer, der.byteOffset, der.byteLength)));
}

/** Splits and parses a payload; `invalid_argument` naming `params.payload` when it is malformed. */
export function decodeX509PopPayload(payload: Uint8Array): X509Certificate[] {
  if (payload.length === 0) throw ApiError.invalid(FIELD, 'the node certificate chain is required');
  if (payload.length > MAX_PAYLOAD_BYTES) throw ApiError.invalid(FIELD, `the certificate chain is larger than ${MAX_PAYLOAD_BYTES} bytes`);
  const certificates: X509Certificate[] = [];
  let offset = 0;
  while (offset < payload.length) {
    if (certificates.length === MAX_CHAIN_CERTIFICATES) {
      throw ApiError.invalid(FIELD, `the certificate chain holds more than ${MAX_CHAIN_CERTIFICATES} certificates`);
    }
    let end: number;
    try {
      const tlv = readTlv(payload, offset);
      if (tlv.tag !== 0x30) throw new RangeError('not a SEQUENCE');
      end = tlv.end;
      certificates.push(new X509Certificate(payload.subarray(offset, end)));
    } catch (err) {
      throw ApiError.invalid(FIELD, `certificate ${certificates.length} of the chain is not a DER X.509 certificate`, err);
    }
    offset = end;
  }
  return certificates;
}
