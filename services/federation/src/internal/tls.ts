/**
 * TLS settings shared by the bundle endpoint and the OIDC discovery provider: Mozilla's
 * "intermediate" compatibility configuration (SPIFFE Federation §5: bundle endpoint servers MUST
 * adhere to it) — TLS 1.2 and 1.3 only, and for TLS 1.2 only ECDHE/DHE key exchange with AEAD
 * ciphers (TLS 1.3 suites are Node's defaults, which are exactly Mozilla's).
 * @module
 */
import { constants } from 'node:crypto';
import type { SecureContextOptions } from 'node:tls';

/** Mozilla intermediate TLS 1.2 cipher suites (https://wiki.mozilla.org/Security/Server_Side_TLS, version 5.7). */
export const MOZILLA_INTERMEDIATE_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
  'DHE-RSA-AES128-GCM-SHA256',
  'DHE-RSA-AES256-GCM-SHA384',
  'DHE-RSA-CHACHA20-POLY1305',
].join(':');

/**
 * What every server context gets (`setSecureContext` resets what it is not given): TLS 1.2 or
 * later, Mozilla intermediate ciphers, the server's cipher order, no renegotiation.
 */
export const SERVER_TLS_HARDENING: SecureContextOptions = Object.freeze({
  minVersion: 'TLSv1.2',
  ciphers: MOZILLA_INTERMEDIATE_CIPHERS,
  honorCipherOrder: false,
  secureOptions: constants.SSL_OP_NO_RENEGOTIATION,
});

/** True when `host` is an IPv4 or IPv6 literal (no SNI may be sent for those, RFC 6066 §3). */
export function isIpLiteral(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(':');
}

/** `host:port` for a URL authority, bracketing IPv6 literals; a wildcard host becomes loopback. */
export function urlAuthority(host: string, port: number): string {
  const h = host === '0.0.0.0' ? '127.0.0.1' : host === '::' || host === '[::]' ? '::1' : host;
  return h.includes(':') && !h.startsWith('[') ? `[${h}]:${port}` : `${h}:${port}`;
}
