/**
 * The identity lines of `/proc/<pid>/status`: user ids, group ids and supplementary groups.
 * @module
 */

/** The ids of a process, as `/proc/<pid>/status` lists them. */
export interface ProcIds {
  /** Real, effective, saved and filesystem uid (empty when the line is missing). */
  readonly uids: readonly number[];
  /** Real, effective, saved and filesystem gid (empty when the line is missing). */
  readonly gids: readonly number[];
  /** Supplementary group ids, in the kernel's order. */
  readonly groups: readonly number[];
}

/**
 * The `Uid:`, `Gid:` and `Groups:` lines of the text of a `/proc/<pid>/status` file. Values that
 * are not non-negative integers are ignored, so a malformed line yields fewer ids, never wrong ones.
 */
export function parseProcStatus(text: string): ProcIds {
  let uids: number[] = [];
  let gids: number[] = [];
  let groups: number[] = [];
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon);
    if (key !== 'Uid' && key !== 'Gid' && key !== 'Groups') continue;
    const ids = parseIds(line.slice(colon + 1));
    if (key === 'Uid') uids = ids;
    else if (key === 'Gid') gids = ids;
    else groups = ids;
  }
  return { uids, gids, groups };
}

function parseIds(text: string): number[] {
  const ids: number[] = [];
  for (const word of text.trim().split(/\s+/)) {
    if (!/^\d{1,10}$/.test(word)) continue;
    const id = Number(word);
    if (id <= 0xffff_ffff) ids.push(id);
  }
  return ids;
}

/**
 * The effective id of a `Uid:`/`Gid:` list (its second field), or the only one when just one is
 * listed; `undefined` when there is none.
 */
export function effectiveId(ids: readonly number[]): number | undefined {
  return ids.length >= 2 ? ids[1] : ids[0];
}
