/**
 * Which object keys hold secrets. Values under these keys are replaced whatever they are.
 * @module
 */

/**
 * Key names (normalized: lowercase, without `_` and `-`) whose values are always redacted:
 * `token`, `join_token`, `password`, `secret`, `private_key`, `key_pem`, `authorization`,
 * `cookie`, `set-cookie`, `api_key`, `client_secret`, `passphrase`, `credentials`, ….
 */
export const SECRET_KEY_NAMES: ReadonlySet<string> = new Set([
  'token',
  'jointoken',
  'accesstoken',
  'refreshtoken',
  'idtoken',
  'bearertoken',
  'password',
  'passwd',
  'passphrase',
  'secret',
  'clientsecret',
  'privatekey',
  'keypem',
  'authorization',
  'proxyauthorization',
  'cookie',
  'setcookie',
  'apikey',
  'credentials',
]);

/** Suffixes that make any key secret (`db_password`, `upstream_token`, `signing_private_key`). */
const SECRET_SUFFIXES = ['token', 'password', 'secret', 'privatekey', 'apikey', 'passphrase'] as const;

/** The form a key is compared in: lowercase, without `_` and `-`. */
export function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[_-]/g, '');
}

/**
 * Whether values under `key` must be redacted.
 *
 * @example
 * ```ts
 * isSecretKey('join_token');    // true
 * isSecretKey('Authorization'); // true
 * isSecretKey('tokens_issued'); // false
 * ```
 */
export function isSecretKey(key: string): boolean {
  const normalized = normalizeKey(key);
  return SECRET_KEY_NAMES.has(normalized) || SECRET_SUFFIXES.some((suffix) => normalized.endsWith(suffix));
}

/**
 * Paths for pino's built-in `redact` option: each secret key at the top level and one level
 * down (the depth its `*` wildcard reaches), plus request and response headers. Deeper keys
 * are handled by the logger's formatter.
 */
export function pinoRedactPaths(): string[] {
  const keys = ['token', 'join_token', 'password', 'secret', 'private_key', 'key_pem', 'authorization', 'cookie'];
  return [
    ...keys,
    ...keys.map((key) => `*.${key}`),
    'req.headers.authorization',
    'req.headers.cookie',
    'req.headers["proxy-authorization"]',
    'res.headers["set-cookie"]',
  ];
}
