/**
 * Writes the child rows of registration entries (selectors, DNS names,
 * trust domains) for many entries at once: one INSERT per child table, with
 * the rows passed as parallel arrays and unnested.
 * @module
 */
import type { Tx } from '../db/types.js';
import type { EntryFields } from './entry.js';

/** Inserts the children of `entries` (ids paired with their fields). */
export async function insertEntryChildren(
  tx: Tx,
  entries: readonly (Pick<EntryFields, 'selectors' | 'dnsNames' | 'federatesWith'> & { id: string })[],
  parts: { selectors: boolean; dnsNames: boolean; federatesWith: boolean } = { selectors: true, dnsNames: true, federatesWith: true },
): Promise<void> {
  const selectorIds: string[] = [];
  const selectorTypes: string[] = [];
  const selectorValues: string[] = [];
  const dnsIds: string[] = [];
  const dnsPositions: number[] = [];
  const dnsNames: string[] = [];
  const federatedIds: string[] = [];
  const federatedDomains: string[] = [];
  for (const entry of entries) {
    if (parts.selectors) {
      for (const selector of entry.selectors) {
        selectorIds.push(entry.id);
        selectorTypes.push(selector.type);
        selectorValues.push(selector.value);
      }
    }
    if (parts.dnsNames) {
      entry.dnsNames.forEach((name, position) => {
        dnsIds.push(entry.id);
        dnsPositions.push(position);
        dnsNames.push(name);
      });
    }
    if (parts.federatesWith) {
      for (const trustDomain of entry.federatesWith) {
        federatedIds.push(entry.id);
        federatedDomains.push(trustDomain);
      }
    }
  }
  if (selectorIds.length > 0) {
    await tx.query(
      `INSERT INTO registration_entry_selectors (entry_id, type, value)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[])`,
      [selectorIds, selectorTypes, selectorValues],
    );
  }
  if (dnsIds.length > 0) {
    await tx.query(
      `INSERT INTO registration_entry_dns_names (entry_id, position, dns_name)
       SELECT * FROM unnest($1::text[], $2::smallint[], $3::text[])`,
      [dnsIds, dnsPositions, dnsNames],
    );
  }
  if (federatedIds.length > 0) {
    await tx.query(
      `INSERT INTO registration_entry_federates_with (entry_id, trust_domain)
       SELECT * FROM unnest($1::text[], $2::text[])`,
      [federatedIds, federatedDomains],
    );
  }
}
