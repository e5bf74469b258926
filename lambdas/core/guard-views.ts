/**
 * What the answer guard compares: a model's text seen several ways at once, so
 * that spacing, case, punctuation, look-alike letters and common encodings do
 * not hide a protected string. Each view keeps, for every character it holds,
 * where that character was in the raw text, so the guard knows how much raw
 * text it must still hold back. Views are built one raw character at a time,
 * as the answer streams.
 */

/** Cyrillic and Greek letters drawn like Latin ones, and a few symbols used in their place. */
const LOOK_ALIKES: Readonly<Record<string, string>> = {
  а: 'a', в: 'b', е: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x', ѕ: 's', і: 'i', ј: 'j', ԁ: 'd', ӏ: 'l', ԛ: 'q', ԝ: 'w',
  α: 'a', β: 'b', ε: 'e', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x', ω: 'w', ζ: 'z', η: 'n',
  ı: 'i', ł: 'l', ø: 'o', đ: 'd', ß: 'ss', æ: 'ae', œ: 'oe', ℓ: 'l',
};

/** Digits and symbols written for letters ("l3ak3d"), and letters easily swapped for one another. */
const LETTER_SWAPS: Readonly<Record<string, string>> = {
  '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '8': 'b', '@': 'a', $: 's', '|': 'i', l: 'i',
};

const COMBINING = /\p{M}/gu;
/** Characters that take no room: zero-width spaces and joiners, soft hyphens, direction marks, byte-order marks. */
export const INVISIBLE = /\p{Cf}|\u034f|\u17b4|\u17b5|[\u115f\u1160\u180e\u3164\uffa0]/u;

/**
 * A character as plain lower-case Latin where it can be: compatibility forms
 * (full-width, ligatures, mathematical letters) decomposed, accents dropped,
 * look-alikes replaced. Anything else comes back lower-cased.
 */
export const foldChar = (ch: string): string => {
  if (ch.length === 1 && ch < '\x80') return ch.toLowerCase();
  const lower = ch.toLowerCase();
  const alike = LOOK_ALIKES[lower];
  if (alike) return alike;
  const plain = lower.normalize('NFKD').replace(COMBINING, '').toLowerCase();
  return [...plain].map((c) => LOOK_ALIKES[c] ?? c).join('');
};

/** Like `foldChar`, keeping the case of Latin letters (for case-sensitive encodings and key shapes). */
export const foldCharKeepCase = (ch: string): string => {
  if (ch.length === 1 && ch < '\x80') return ch;
  const folded = foldChar(ch);
  return folded === ch.toLowerCase() && ch !== ch.toLowerCase() ? ch : folded;
};

/** A character that ends a run: no match spans it. */
const BREAK = Symbol('break');
/** How a view treats one raw character: its characters to add, nothing (skipped), or a break in the run. */
type Take = string | null | typeof BREAK;

/**
 * One view of the raw text. `chars[i]` came from raw index `raw[i]`; a break
 * starts a new run, and no match spans two runs.
 */
export class GuardView {
  chars = '';
  readonly raw: number[] = [];
  runStart = 0;

  private readonly take: (ch: string) => Take;

  constructor(take: (ch: string) => Take) {
    this.take = take;
  }

  /** Raw index of the first character skipped since the last one kept: separators are held with what follows them. */
  private skippedFrom: number | undefined;

  /** Adds raw character `ch` found at raw index `at`; returns how many view characters were added. */
  add(ch: string, at: number): number {
    const t = this.take(ch);
    if (t === BREAK) {
      this.runStart = this.chars.length;
      this.skippedFrom = undefined;
      return 0;
    }
    if (!t) {
      this.skippedFrom ??= at;
      return 0;
    }
    const from = this.skippedFrom ?? at;
    this.skippedFrom = undefined;
    this.chars += t;
    for (let i = 0; i < t.length; i++) this.raw.push(from);
    return t.length;
  }

  /** The first raw index that must stay held so a match of `width` view characters is seen whole, or Infinity. */
  holdFrom(width: number): number {
    const from = Math.max(this.runStart, this.chars.length - (width - 1));
    return from < this.chars.length ? this.raw[from]! : Infinity;
  }
}

/** Letters only, folded, digits read as the letters they stand for: spacing, punctuation and case vanish. */
export const lettersView = (): GuardView =>
  new GuardView((ch) => {
    const f = foldChar(ch);
    let out = '';
    for (const c of f) {
      const s = LETTER_SWAPS[c] ?? c;
      if (s >= 'a' && s <= 'z') out += s;
    }
    return out || null;
  });

/** Letters and digits, folded and lower-cased: a key written with spaces, dashes or look-alikes. */
export const alnumView = (): GuardView =>
  new GuardView((ch) => {
    const f = foldChar(ch).replace(/[^a-z0-9]/g, '');
    return f || null;
  });

const B64 = /^[A-Za-z0-9+/]$/;
/** Base64 and base64url characters (url-safe ones read as standard); spaces and padding skipped, anything else breaks. */
export const base64View = (): GuardView =>
  new GuardView((ch) => {
    if (/\s/.test(ch) || INVISIBLE.test(ch) || ch === '=') return null;
    const c = ch === '-' ? '+' : ch === '_' ? '/' : ch;
    return B64.test(c) ? c : BREAK;
  });

/** Hex digits, lower-cased; byte separators (spaces, `0x`, `\x`, `:`, `,`, `-`) skipped, anything else breaks. */
export const hexView = (): GuardView =>
  new GuardView((ch) => {
    const c = ch.toLowerCase();
    if (/[0-9a-f]/.test(c)) return c;
    if (/[\sx:,\\-]/.test(c) || INVISIBLE.test(c)) return null;
    return BREAK;
  });

/** The text of `s` in a fresh view of the given kind, for building the protected windows. */
export const viewOf = (make: () => GuardView, s: string): string => {
  const v = make();
  let at = 0;
  for (const ch of s) v.add(ch, at++);
  return v.chars;
};

/** Base64 of the UTF-8 bytes of `s` starting at byte 0, 1 and 2, so a copy starting anywhere is found; padding dropped. */
export const base64Alignments = (s: string): string[] => {
  const bytes = new TextEncoder().encode(s);
  return [0, 1, 2].map((k) => btoa(String.fromCharCode(...bytes.subarray(k))).replace(/=+$/, ''));
};

/** Lower-case hex of the UTF-8 bytes of `s`. */
export const hexOf = (s: string): string => [...new TextEncoder().encode(s)].map((b) => b.toString(16).padStart(2, '0')).join('');

/** Every substring of `s` of length `width`. */
export const windowsOf = (s: string, width: number): string[] => {
  const out: string[] = [];
  for (let i = 0; i + width <= s.length; i++) out.push(s.slice(i, i + width));
  return out;
};
