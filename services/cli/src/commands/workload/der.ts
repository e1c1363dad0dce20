/**
 * Splitting concatenated DER certificates (the Workload API's encoding) and writing PEM.
 * @module
 */

/** The DER items of a concatenation, each a complete SEQUENCE. */
export function splitDer(bytes: Uint8Array): Buffer[] {
  const buf = Buffer.from(bytes);
  const out: Buffer[] = [];
  let offset = 0;
  while (offset < buf.length) {
    if (buf[offset] !== 0x30) throw new Error(`not DER at byte ${offset}`);
    const first = buf[offset + 1];
    if (first === undefined) throw new Error('truncated DER');
    let len = first;
    let header = 2;
    if (first & 0x80) {
      const n = first & 0x7f;
      if (n === 0 || n > 4) throw new Error('unsupported DER length');
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + (buf[offset + 2 + i] ?? 0);
      header = 2 + n;
    }
    const end = offset + header + len;
    if (end > buf.length) throw new Error('truncated DER');
    out.push(buf.subarray(offset, end));
    offset = end;
  }
  return out;
}

/** A PEM block. */
export function toPem(label: string, der: Uint8Array): string {
  return `-----BEGIN ${label}-----\n${Buffer.from(der).toString('base64').replace(/.{1,64}/g, '$&\n')}-----END ${label}-----\n`;
}
