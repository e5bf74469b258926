/**
 * Likely personal data in document text: found while parsing, counted by kind so
 * the admin panel can warn, and optionally masked before anything is embedded or
 * stored. Masking keeps every character's position, so citation offsets hold.
 */
import { findNumbers, Metadata, type CountryCode } from 'libphonenumber-js/max';
import { DisjointSpans, type Span } from './disjoint-spans.ts';
import { hexDumpLines } from './hex-dump-lines.ts';

export type PersonalDataKind = 'email' | 'phone' | 'card' | 'iban' | 'national_id';

export type PersonalDataCounts = Partial<Record<PersonalDataKind, number>>;

export interface Finding {
  readonly kind: PersonalDataKind;
  readonly start: number;
  readonly end: number;
}

const digitsOf = (s: string) => s.replace(/\D/g, '');

/** The Luhn checksum that every payment card number passes. */
export const passesLuhn = (digits: string): boolean => {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
};

/** ISO 13616: move the first four characters to the end, letters to numbers, mod 97 must be 1. */
export const validIban = (value: string): boolean => {
  const iban = value.replace(/\s/g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let rest = 0;
  for (const ch of rearranged) {
    const n = ch >= 'A' ? ch.charCodeAt(0) - 55 : Number(ch);
    rest = Number(`${rest}${n}`) % 97;
  }
  return rest === 1;
};

interface Detector {
  readonly kind: PersonalDataKind;
  readonly pattern: RegExp;
  readonly accept?: (match: string) => boolean;
}

const DETECTORS: readonly Detector[] = [
  { kind: 'email', pattern: /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu },
  { kind: 'iban', pattern: /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b/g, accept: validIban },
  {
    kind: 'card',
    pattern: /\b(?:\d[ -]?){12,18}\d\b/g,
    accept: (m) => {
      const d = digitsOf(m);
      return d.length >= 13 && d.length <= 19 && /^[2-6]/.test(d) && passesLuhn(d);
    },
  },
  // US SSN, UK National Insurance number, French INSEE number.
  {
    kind: 'national_id',
    pattern: /\b(?:\d{3}-\d{2}-\d{4}|[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]|[12] ?\d{2} ?(?:0[1-9]|1[0-2]) ?\d{2} ?\d{3} ?\d{3} ?\d{2})\b/g,
    accept: (m) => !/^(000|666|9)/.test(m),
  },
];

/**
 * The countries whose national phone numbers a deployment's documents most likely
 * hold, from its AWS region, most likely first. Frankfurt serves Germany, Austria
 * and Switzerland alike (neither of the latter two has a region of its own).
 */
const REGION_COUNTRIES: Readonly<Record<string, readonly CountryCode[]>> = {
  'eu-central-1': ['DE', 'AT', 'CH'],
  'eu-central-2': ['CH', 'DE', 'AT'],
  'eu-west-1': ['IE', 'GB'],
  'eu-west-2': ['GB', 'IE'],
  'eu-west-3': ['FR', 'BE'],
  'eu-north-1': ['SE'],
  'eu-south-1': ['IT'],
  'eu-south-2': ['ES'],
  'ca-central-1': ['CA'],
  'ap-southeast-2': ['AU'],
  'ap-northeast-1': ['JP'],
};

/** The phone countries for an AWS region; none where unknown, so only international numbers count. */
export const phoneCountriesForRegion = (awsRegion: string): readonly CountryCode[] =>
  REGION_COUNTRIES[awsRegion] ?? (awsRegion.startsWith('us-') ? ['US'] : []);

export interface PersonalDataOptions {
  /** Countries whose national-format phone numbers (no +country code) are recognised; without any, only international ones are. */
  readonly phoneCountries?: readonly CountryCode[];
}

/** Digits and the punctuation people write phone numbers with; anything else (a date's `;`, a list's `,`) means the match ran over two things. */
const PHONE_CHARS = /^[\d\s+().\-/]+$/;
const DATE = /^\d{4}[-/.]\d{2}[-/.]\d{2}$/;
/** A code's part rather than a number of its own: `PF-04449913`, `ID_0123…`, `x0123…`. */
const GLUED_BEFORE = /(?:[\p{L}\p{N}][-_/]|[\p{L}\p{N}_])$/u;
const PHONE_RUN = /[+(]?\d[\d\s+().\-/]*\d\)?/g;

/**
 * Phone numbers found by libphonenumber-js (full metadata, so a number must fit a
 * real numbering plan, not only its length) and then held to how people write
 * them: at least eight digits, no date or decimal range, not glued to a code's
 * letters, and where the country's trunk prefix is 0 (most of Europe, Australia,
 * Japan) a national-format number must start with it, so digit runs in hex
 * dumps, ids and reference numbers do not count. Each country is tried in turn;
 * without one only international numbers (+43 …) are recognised.
 */
const findPhones = (text: string, countries: readonly CountryCode[]): Span[] => {
  // Sorted by start and disjoint: each run's numbers start in its window, after every number ending before it.
  const out: Span[] = [];
  const inHexDump = hexDumpLines(text);
  // The library is slow on long number-dense text, so it reads only runs of phone characters holding eight digits
  // or more, each with one character of context either side (it refuses numbers glued to letters).
  for (const run of text.matchAll(PHONE_RUN)) {
    if (digitsOf(run[0]).length < 8 || DATE.test(run[0].trim())) continue;
    if (inHexDump(run.index, run.index + run[0].length)) continue;
    const from = Math.max(0, run.index - 1);
    const window = text.slice(from, run.index + run[0].length + 1);
    // Only numbers ending inside this window can overlap one found in it.
    let live = out.length;
    while (live > 0 && out[live - 1]!.end > from) live--;
    const found = new DisjointSpans(out.slice(live));
    for (const country of countries.length > 0 ? countries : [undefined]) found.takeAll(phonesIn(text, window, from, country));
    out.length = live;
    for (const span of found.spans) out.push(span);
  }
  return out;
};

const phonesIn = (text: string, window: string, from: number, country: CountryCode | undefined): Span[] => {
  const trunkZero = country !== undefined && nationalPrefixOf(country) === '0';
  const out: Span[] = [];
  for (const m of findNumbers(window, { defaultCountry: country, v2: true })) {
    const raw = window.slice(m.startsAt, m.endsAt);
    if (!PHONE_CHARS.test(raw) || !m.number.isValid()) continue;
    const digits = digitsOf(raw);
    if (digits.length < 8 || DATE.test(raw.trim()) || /^\(?0\./.test(raw)) continue;
    const start = from + m.startsAt;
    const end = from + m.endsAt;
    if (GLUED_BEFORE.test(text.slice(Math.max(0, start - 2), start)) || /^[\p{L}\p{N}]/u.test(text.slice(end, end + 1))) continue;
    const international = /^\s*(?:\+|00)/.test(raw);
    if (!international && trunkZero && !digits.startsWith('0')) continue;
    out.push({ start, end });
  }
  return out;
};

/** The numbering plan's `nationalPrefix()`, which the library's own code reads but its types leave out. */
interface PlanWithPrefix { nationalPrefix(): string | undefined }

const nationalPrefixes = new Map<CountryCode, string | undefined>();
/** A country's trunk prefix (`0` in Austria, `1` in the US), read once from the library's metadata. */
const nationalPrefixOf = (country: CountryCode): string | undefined => {
  if (!nationalPrefixes.has(country)) {
    const metadata = new Metadata();
    metadata.selectNumberingPlan(country);
    const plan = metadata.numberingPlan as PlanWithPrefix | undefined;
    nationalPrefixes.set(country, plan?.nationalPrefix() || undefined);
  }
  return nationalPrefixes.get(country);
};

/** Every finding, earliest first; a span claimed by one kind is not counted again as another. */
export const findPersonalData = (text: string, options: PersonalDataOptions = {}): Finding[] => {
  const found = new DisjointSpans<Finding>();
  for (const d of DETECTORS) {
    const accept = d.accept ?? (() => true);
    found.takeAll(
      [...text.matchAll(d.pattern)].filter((m) => accept(m[0])).map((m) => ({ kind: d.kind, start: m.index, end: m.index + m[0].length })),
    );
  }
  found.takeAll(findPhones(text, options.phoneCountries ?? []).map(({ start, end }): Finding => ({ kind: 'phone', start, end })));
  return [...found.spans];
};

export const countPersonalData = (findings: readonly Finding[]): PersonalDataCounts => {
  const counts: PersonalDataCounts = {};
  for (const f of findings) counts[f.kind] = (counts[f.kind] ?? 0) + 1;
  return counts;
};

/** Replaces every finding with bullets of the same length, so offsets stay true. */
export const maskPersonalData = (text: string, findings: readonly Finding[]): string => {
  let out = '';
  let at = 0;
  for (const f of findings) {
    out += text.slice(at, f.start) + '•'.repeat(f.end - f.start);
    at = f.end;
  }
  return out + text.slice(at);
};
