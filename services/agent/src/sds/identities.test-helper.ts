/**
 * Shared test identities: the own trust domain `example.org` and two federated ones, each with
 * a CA, and SVIDs for a few workloads.
 */
import { TestCa } from '@signet/spiffe/testing';
import type { TrustBundle, WorkloadSvid } from '../domain/view.js';
import { bundleOf, issueSvid } from './testing/fixtures.js';

export const TD = 'example.org';
export const WEB_ID = 'spiffe://example.org/web';
export const API_ID = 'spiffe://example.org/api';
export const PARTNER_TD = 'partner.example';
export const OTHER_TD = 'another.example';

/** CAs, bundles and SVIDs for one test file. */
export interface Identities {
  readonly ca: TestCa;
  readonly partnerCa: TestCa;
  readonly otherCa: TestCa;
  readonly bundle: TrustBundle;
  readonly partnerBundle: TrustBundle;
  readonly otherBundle: TrustBundle;
  readonly web: WorkloadSvid;
  readonly api: WorkloadSvid;
  /** A fresh SVID from the own CA. */
  svid(id: string): WorkloadSvid;
}

export function identities(): Identities {
  const ca = TestCa.create(TD);
  const partnerCa = TestCa.create(PARTNER_TD);
  const otherCa = TestCa.create(OTHER_TD);
  return {
    ca,
    partnerCa,
    otherCa,
    bundle: bundleOf(ca),
    partnerBundle: bundleOf(partnerCa),
    otherBundle: bundleOf(otherCa),
    web: issueSvid(ca, WEB_ID),
    api: issueSvid(ca, API_ID),
    svid: (id) => issueSvid(ca, id),
  };
}
