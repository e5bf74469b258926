/**
 * Likely personal data in document text: found while parsing, counted by kind so
 * the admin panel can warn, and optionally masked before anything is embedded or
 * stored. Masking keeps every character's position, so citation offsets hold.
 */

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
  // International or national phone numbers with at least 8 digits, written as phone numbers are.
  {
    kind: 'phone',
    pattern: /(?<![\w+])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\d{2,4}(?:[ .-]\d{2,4}){1,4}(?![\w-])/g,
    accept: (m) => {
      const d = digitsOf(m);
      return d.length >= 8 && d.length <= 15 && (m.startsWith('+') || m.startsWith('(') || /[ .-]/.test(m)) && !/^\d{4}-\d{2}-\d{2}$/.test(m.trim());
    },
  },
];

/** Every finding, earliest first; a span claimed by one kind is not counted again as another. */
export const findPersonalData = (text: string): Finding[] => {
  const found: Finding[] = [];
  const taken = (start: number, end: number) => found.some((f) => start < f.end && end > f.start);
  for (const d of DETECTORS) {
    for (const m of text.matchAll(d.pattern)) {
      const start = m.index;
      const end = start + m[0].length;
      if ((d.accept ?? (() => true))(m[0]) && !taken(start, end)) found.push({ kind: d.kind, start, end });
    }
  }
  return found.sort((a, b) => a.start - b.start);
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
