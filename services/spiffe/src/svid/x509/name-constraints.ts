/**
 * Name constraints (RFC 5280 §4.2.1.10, X509-SVID §4.2): decoding, and checking the names of a
 * certificate below a constrained CA. URI constraints (which, for SPIFFE IDs, constrain the trust
 * domain) and DNS constraints are processed. A constraint of any other form makes a certificate
 * that carries a name of that form fail, as RFC 5280 requires of names it cannot process.
 */
import { DerReader, checkInteger, type Fail } from '../../internal/der/reader.js';
import { Tag, contextTag } from '../../internal/der/tags.js';
import { GeneralNameForm, decodeGeneralNameBase, generalNameFormName } from './general-names.js';

/** The subtrees of one kind (permitted or excluded). */
export interface GeneralSubtrees {
  /** dNSName bases, e.g. `example.org` (the domain and its subdomains) or `.example.org` (subdomains only). */
  readonly dnsNames: readonly string[];
  /** URI host bases, e.g. `example.org` (that host) or `.example.org` (its subdomains). */
  readonly uriHosts: readonly string[];
  /** Other GeneralName forms constrained, which this package does not process. */
  readonly otherForms: readonly number[];
}

/** A decoded NameConstraints extension. */
export interface NameConstraints {
  readonly permitted: GeneralSubtrees;
  readonly excluded: GeneralSubtrees;
}

/** The names of a certificate that name constraints apply to. */
export interface ConstrainedNames {
  readonly uris: readonly string[];
  readonly dnsNames: readonly string[];
  /** Other SAN forms present, plus `directoryName` when the subject is not empty. */
  readonly otherForms: readonly number[];
}

/** Decodes the value of a NameConstraints extension. */
export function decodeNameConstraints(value: Uint8Array, fail: Fail, path: string): NameConstraints {
  const outer = new DerReader(value, fail, path);
  const r = outer.enter(Tag.SEQUENCE, '');
  outer.expectEnd();
  const permitted = r.peekTag() === contextTag(0, true) ? decodeSubtrees(r.enter(contextTag(0, true), 'permittedSubtrees'), fail) : EMPTY;
  const excluded = r.peekTag() === contextTag(1, true) ? decodeSubtrees(r.enter(contextTag(1, true), 'excludedSubtrees'), fail) : EMPTY;
  r.expectEnd();
  if (permitted === EMPTY && excluded === EMPTY) r.fail('', 'must hold permitted or excluded subtrees (RFC 5280 §4.2.1.10)');
  return { permitted, excluded };
}

const EMPTY: GeneralSubtrees = { dnsNames: [], uriHosts: [], otherForms: [] };

function decodeSubtrees(r: DerReader, fail: Fail): GeneralSubtrees {
  const dnsNames: string[] = [];
  const uriHosts: string[] = [];
  const otherForms = new Set<number>();
  if (r.atEnd()) r.fail('', 'must hold at least one subtree');
  while (!r.atEnd()) {
    const subtree = r.enter(Tag.SEQUENCE, 'subtree');
    const base = decodeGeneralNameBase(subtree, fail);
    const min = subtree.optional(contextTag(0, false), 'minimum');
    if (min !== undefined) {
      checkInteger(min.value, fail, `${subtree.path}.minimum`);
      if (!(min.value.byteLength === 1 && min.value[0] === 0)) subtree.fail('minimum', 'must be zero (RFC 5280 §4.2.1.10)');
    }
    if (subtree.optional(contextTag(1, false), 'maximum') !== undefined) subtree.fail('maximum', 'must be absent (RFC 5280 §4.2.1.10)');
    subtree.expectEnd();
    if (base.form === GeneralNameForm.dNSName) dnsNames.push(base.text!.toLowerCase());
    else if (base.form === GeneralNameForm.uniformResourceIdentifier) uriHosts.push(base.text!.toLowerCase());
    else otherForms.add(base.form);
  }
  return { dnsNames, uriHosts, otherForms: [...otherForms] };
}

/** Why `names` break `nc`, or `undefined` when they satisfy it. */
export function nameConstraintViolation(nc: NameConstraints, names: ConstrainedNames): string | undefined {
  for (const form of names.otherForms) {
    if (nc.permitted.otherForms.includes(form) || nc.excluded.otherForms.includes(form)) {
      return `name constraints on ${generalNameFormName(form)} names are not supported, and the certificate has such a name`;
    }
  }
  for (const dns of names.dnsNames) {
    const name = dns.toLowerCase();
    if (nc.excluded.dnsNames.some((c) => dnsMatches(name, c))) return `DNS name "${dns}" is in an excluded subtree`;
    if (nc.permitted.dnsNames.length > 0 && !nc.permitted.dnsNames.some((c) => dnsMatches(name, c))) {
      return `DNS name "${dns}" is not in a permitted subtree`;
    }
  }
  const constrainsUris = nc.permitted.uriHosts.length > 0 || nc.excluded.uriHosts.length > 0;
  if (!constrainsUris) return undefined;
  for (const uri of names.uris) {
    const host = uriHost(uri);
    if (host === undefined) return `URI "${uri}" has no host to check against the URI name constraints`;
    if (nc.excluded.uriHosts.some((c) => hostMatches(host, c))) return `URI "${uri}" is in an excluded subtree`;
    if (nc.permitted.uriHosts.length > 0 && !nc.permitted.uriHosts.some((c) => hostMatches(host, c))) {
      return `URI "${uri}" is not in a permitted subtree`;
    }
  }
  return undefined;
}

/** The lower-cased host of a URI with an authority (`scheme://[userinfo@]host[:port]/…`), else undefined. */
function uriHost(uri: string): string | undefined {
  const m = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/(?:[^/?#@]*@)?([^/?#:]+)/.exec(uri);
  return m?.[1]?.toLowerCase();
}

function dnsMatches(name: string, constraint: string): boolean {
  if (constraint.length === 0) return true;
  if (constraint.startsWith('.')) return name.length > constraint.length && name.endsWith(constraint);
  return name === constraint || name.endsWith(`.${constraint}`);
}

function hostMatches(host: string, constraint: string): boolean {
  if (constraint.startsWith('.')) return host.length > constraint.length && host.endsWith(constraint);
  return host === constraint;
}
