/**
 * Value-based scrubbing: private-key PEM blocks, JWTs and secrets registered at run time are
 * replaced wherever they appear in a string.
 * @module
 */

/** Replacement for a registered secret. */
export const REDACTED = '[REDACTED]';
/** Replacement for a PEM private-key block. */
export const REDACTED_PRIVATE_KEY = '[REDACTED PRIVATE KEY]';
/** Replacement for a JWT. */
export const REDACTED_JWT = '[REDACTED JWT]';

/** Secrets shorter than this are refused: scrubbing them would mangle ordinary words. */
export const MIN_SECRET_LENGTH = 4;

// Any PEM block whose label ends in PRIVATE KEY (PKCS#8, "RSA PRIVATE KEY", "ENCRYPTED PRIVATE
// KEY", …), including a block cut off before its END line. In JSON text the newlines are the
// two characters "\n", which [\s\S] also matches.
const PEM_PRIVATE_KEY = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g;
// A JWS/JWT in compact form: three base64url segments, the header starting `eyJ` (`{"`);
// up to two more segments cover JWE.
const JWT = /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*){0,2}/g;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A set of secret strings to scrub from logs and error texts. Each secret is also matched in
 * its JSON-escaped and percent-encoded forms, since that is how it appears inside a log line
 * or a URL. Signet uses one process-wide registry ({@link defaultSecretRegistry}).
 */
export class SecretRegistry {
  readonly #secrets = new Set<string>();
  #pattern: RegExp | undefined;

  /** Adds a secret; returns `false` (and ignores it) when shorter than {@link MIN_SECRET_LENGTH}. */
  add(secret: string): boolean {
    if (typeof secret !== 'string') throw new TypeError('a secret must be a string');
    if (secret.length < MIN_SECRET_LENGTH) return false;
    if (!this.#secrets.has(secret)) {
      this.#secrets.add(secret);
      this.#pattern = undefined;
    }
    return true;
  }

  /** Forgets a secret, e.g. a join token that has expired; returns whether it was known. */
  delete(secret: string): boolean {
    const had = this.#secrets.delete(secret);
    if (had) this.#pattern = undefined;
    return had;
  }

  /** Whether the secret is registered. */
  has(secret: string): boolean {
    return this.#secrets.has(secret);
  }

  /** How many secrets are registered. */
  get size(): number {
    return this.#secrets.size;
  }

  /** Replaces private keys, JWTs and registered secrets in `text`. */
  scrub(text: string): string {
    let out = text.replace(PEM_PRIVATE_KEY, REDACTED_PRIVATE_KEY).replace(JWT, REDACTED_JWT);
    const pattern = this.#compiled();
    if (pattern !== undefined) out = out.replace(pattern, REDACTED);
    return out;
  }

  #compiled(): RegExp | undefined {
    if (this.#secrets.size === 0) return undefined;
    if (this.#pattern === undefined) {
      const forms = new Set<string>();
      for (const secret of this.#secrets) {
        forms.add(secret);
        forms.add(JSON.stringify(secret).slice(1, -1));
        forms.add(encodeURIComponent(secret));
      }
      const alternatives = [...forms].sort((a, b) => b.length - a.length).map(escapeRegExp);
      this.#pattern = new RegExp(alternatives.join('|'), 'g');
    }
    return this.#pattern;
  }
}

/** The process-wide registry used by loggers unless they are given another. */
export const defaultSecretRegistry = new SecretRegistry();

/**
 * Registers a secret (a join token, a database password) with the process-wide registry so
 * that it never appears in a log line. Returns `false` if it is too short to be scrubbed.
 *
 * @example
 * ```ts
 * const token = randomBytes(16).toString('hex');
 * registerSecret(token);
 * logger.info(`created join token ${token}`); // … "created join token [REDACTED]"
 * ```
 */
export function registerSecret(secret: string): boolean {
  return defaultSecretRegistry.add(secret);
}

/** Removes a secret from the process-wide registry. */
export function unregisterSecret(secret: string): boolean {
  return defaultSecretRegistry.delete(secret);
}

/** Scrubs `text` with the process-wide registry (private keys, JWTs, registered secrets). */
export function scrubSecrets(text: string): string {
  return defaultSecretRegistry.scrub(text);
}
