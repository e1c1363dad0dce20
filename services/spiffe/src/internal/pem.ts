/** PEM (RFC 7468) encoding and decoding. @internal */

/** One PEM block: its label (e.g. `CERTIFICATE`) and its DER bytes. */
export interface PemBlock {
  readonly label: string;
  readonly der: Uint8Array;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END ([A-Z0-9 ]+)-----/g;

/**
 * Decodes every PEM block in `text`, in order. Text between blocks is ignored (RFC 7468 §2).
 * Throws `Err` when a block is unterminated, mislabelled or not base64.
 */
export function decodePem(text: string, Err: new (m: string) => Error): PemBlock[] {
  const blocks: PemBlock[] = [];
  let lastEnd = 0;
  for (const m of text.matchAll(BLOCK)) {
    const [, begin, body = '', end] = m;
    if (begin !== end) throw new Err(`pem: BEGIN ${begin} closed by END ${end}`);
    const b64 = body.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0) {
      throw new Err(`pem: the body of the ${begin} block is not valid base64`);
    }
    blocks.push({ label: begin!, der: new Uint8Array(Buffer.from(b64, 'base64')) });
    lastEnd = (m.index ?? 0) + m[0].length;
  }
  if (text.indexOf('-----BEGIN', lastEnd) !== -1) throw new Err('pem: a BEGIN line has no matching END line');
  return blocks;
}

/** Encodes DER bytes as one PEM block with 64-character lines. */
export function encodePem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
  let out = `-----BEGIN ${label}-----\n`;
  for (let i = 0; i < b64.length; i += 64) out += `${b64.slice(i, i + 64)}\n`;
  return `${out}-----END ${label}-----\n`;
}

/** True when `a` and `b` hold the same bytes. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}
