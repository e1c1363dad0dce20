/**
 * GeneralName (RFC 5280 §4.2.1.6) forms and decoding of GeneralNames sequences, as they appear in
 * the subject alternative name extension.
 */
import { DerReader, decodeAscii, type Fail } from '../../internal/der/reader.js';

/** GeneralName CHOICE numbers (the context tag number of each alternative). */
export const GeneralNameForm = {
  otherName: 0,
  rfc822Name: 1,
  dNSName: 2,
  x400Address: 3,
  directoryName: 4,
  ediPartyName: 5,
  uniformResourceIdentifier: 6,
  iPAddress: 7,
  registeredID: 8,
} as const;

/** The RFC 5280 name of a GeneralName form number. */
export function generalNameFormName(form: number): string {
  for (const [name, n] of Object.entries(GeneralNameForm)) if (n === form) return name;
  return `[${form}]`;
}

/** The names of a GeneralNames sequence: URIs and DNS names decoded, other forms counted. */
export interface DecodedGeneralNames {
  readonly uris: readonly string[];
  readonly dnsNames: readonly string[];
  /** Form numbers of every other name present (e.g. 7 for iPAddress), each listed once. */
  readonly otherForms: readonly number[];
}

/** Decodes `GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName` from its contents reader. */
export function decodeGeneralNames(r: DerReader, fail: Fail): DecodedGeneralNames {
  const uris: string[] = [];
  const dnsNames: string[] = [];
  const otherForms = new Set<number>();
  if (r.atEnd()) r.fail('', 'must hold at least one name');
  while (!r.atEnd()) {
    const name = r.next('name');
    if ((name.tag & 0xc0) !== 0x80) r.fail('name', 'expected a context-tagged GeneralName');
    const form = name.tag & 0x1f;
    const primitive = (name.tag & 0x20) === 0;
    if (form === GeneralNameForm.uniformResourceIdentifier || form === GeneralNameForm.dNSName) {
      const field = form === GeneralNameForm.dNSName ? 'dNSName' : 'uniformResourceIdentifier';
      if (!primitive) r.fail(field, 'must be a primitive IA5String');
      const text = decodeAscii(name.value, fail, `${r.path}.${field}`);
      if (text.length === 0) r.fail(field, 'must not be empty');
      (form === GeneralNameForm.dNSName ? dnsNames : uris).push(text);
    } else if (form > GeneralNameForm.registeredID) {
      r.fail('name', `unknown GeneralName form [${form}]`);
    } else {
      otherForms.add(form);
    }
  }
  return { uris, dnsNames, otherForms: [...otherForms] };
}

/** Reads one GeneralSubtree base for name constraints: the form and, for DNS and URI, its text. */
export function decodeGeneralNameBase(r: DerReader, fail: Fail): { form: number; text?: string } {
  const name = r.next('base');
  if ((name.tag & 0xc0) !== 0x80) r.fail('base', 'expected a context-tagged GeneralName');
  const form = name.tag & 0x1f;
  if (form === GeneralNameForm.dNSName || form === GeneralNameForm.uniformResourceIdentifier) {
    if (name.tag & 0x20) r.fail('base', 'must be a primitive IA5String');
    return { form, text: decodeAscii(name.value, fail, `${r.path}.base`) };
  }
  if (form > GeneralNameForm.registeredID) r.fail('base', `unknown GeneralName form [${form}]`);
  return { form };
}
