/**
 * Deleting private keys the CA no longer needs: keys generated for an authority change that did
 * not commit, and keys of authorities that were revoked or have expired.
 * @module
 */
import { listAuthorities, type Authority, type Db } from '@signet/datastore';
import type { Logger } from '@signet/platform';
import type { KeyManager } from '../keymanager/key-manager.js';
import { retiredAuthorities } from './rotation-policy.js';

/**
 * After a failed change: deletes the generated keys that no journaled authority refers to (the
 * commit may have failed ambiguously, so the journal is read again first). Never throws.
 */
export async function discardUncommittedKeys(db: Db, keyManager: KeyManager, keyRefs: readonly string[], logger: Logger): Promise<void> {
  try {
    const kept = new Set((await listAuthorities(db)).map((a) => a.keyRef));
    for (const ref of keyRefs) if (!kept.has(ref)) await keyManager.deleteKey(ref);
  } catch (err) {
    logger.warn({ err, keys: keyRefs }, 'ca: could not delete keys of an authority change that did not commit');
  }
}

/**
 * Deletes the keys of retired authorities (revoked, or expired and in no slot) not deleted yet;
 * records each deleted key in `deleted`. Never throws.
 */
export async function deleteRetiredKeys(
  authorities: readonly Authority[],
  now: Date,
  keyManager: KeyManager,
  deleted: Set<string>,
  logger: Logger,
): Promise<void> {
  for (const authority of retiredAuthorities(authorities, now)) {
    if (deleted.has(authority.keyRef)) continue;
    try {
      await keyManager.deleteKey(authority.keyRef);
      deleted.add(authority.keyRef);
    } catch (err) {
      logger.warn({ err, authority_id: authority.id }, 'ca: could not delete the key of a retired authority');
    }
  }
}
