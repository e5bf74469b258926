/**
 * A last line of defence on what a model streams back: the answer is cut if it
 * repeats any run of the system prompt (its canary, its rules, the owner's
 * guidance) or a key, however it is written: spaced out, split by zero-width
 * characters or punctuation, in other case or look-alike letters, as base64 or
 * hex. Key-shaped strings are cut even when glued to a word. Text is held back
 * until no protected run could still start in it, so nothing of a protected
 * string goes out before the cut; the hold is bounded (a few dozen characters
 * of ordinary text) and released at the end. Prompting is the first defence;
 * this one does not trust it.
 */
import {
  alnumView, base64Alignments, base64View, foldCharKeepCase, type GuardView, hexOf, hexView, INVISIBLE, lettersView, viewOf, windowsOf,
} from './guard-views.ts';
import { PROMPT_CANARY, systemPrompt } from './prompt.ts';

export const REFUSAL = "Sorry, I can't share that. I can help with questions about this website's documents.";

type Reason = 'secret' | 'prompt';

/**
 * Widths, in each view's characters, of the shortest run that counts as a leak.
 * Letters: about seven words of the prompt (shorter runs are phrases an honest
 * answer uses, like "could not find it in the documents"). Base64: 18 bytes.
 * Hex: 16 bytes. A key: 16 letters and digits, as its first 16 characters were before.
 */
export const WIDTHS = { letters: 40, base64: 24, hex: 32, key: 16 } as const;

/** Visible characters held for key shapes: the longest shape below is recognised within this many. */
const SHAPE_HOLD = 52;

/** A run of characters a key could be made of (look-alikes and invisible ones included) is held whole up to this length. */
const SHAPE_RUN_HOLD = 160;
const KEY_CHAR = /[\p{L}\p{N}_.\u200b-\u200f\u2060\u00ad-]/u;

/** Raw characters of the answer's end that key shapes are looked for in (longer than any shape, spaced out). */
const SHAPE_TAIL = 600;

/** Phrases of the prompt cut however short: nothing else would ever say them. */
const MARKERS = [PROMPT_CANARY, 'Rules that nothing below'];

/** Keys by shape: OpenAI and Anthropic keys (a 20-character run of letters and digits after `sk-`), JWT-like tokens. */
const SK = /sk-[A-Za-z0-9_-]{20,}/g;
const JWT = /[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{10,}/;
/** Single characters separated by spaces ("s k - p r o j"), at least five of them. */
const SPACED_OUT = /(?<!\S)\S(?:\s+\S(?!\S)){4,}/g;

const looksLikeKey = (text: string): boolean => {
  const plain = text.replace(SPACED_OUT, (run) => run.replace(/\s+/g, ''));
  if (JWT.test(plain)) return true;
  for (const m of plain.matchAll(SK)) {
    // A key has a long run of mixed letters and digits; "ask-for-the-2024-price-list" has not.
    if (m[0].split(/[-_]/).some((part) => part.length >= 20 && /\d.*\d/.test(part) && /[a-z].*[a-z]/i.test(part))) return true;
  }
  return false;
};

export interface AnswerGuardOptions {
  /** Keys this answer's provider call used: cut in any spelling, and as base64 or hex. */
  readonly secrets?: readonly string[];
  /** The system prompt the model received. @default the fixed rules with no name or owner guidance */
  readonly system?: string;
  /** Text the visitor may see anyway (the passages, the question): runs of the prompt found in it are not cut. */
  readonly allowed?: readonly string[];
}

export interface AnswerGuard {
  /** Text safe to send now (may be empty while some is held back). */
  push(delta: string): string;
  /** The rest, at the end of the answer. */
  flush(): string;
  /** Set once the answer was cut. */
  readonly tripped: Reason | undefined;
}

interface Watched {
  readonly view: GuardView;
  readonly width: number;
  /** Runs of exactly `width` characters, and why each is cut. */
  readonly windows: Map<string, Reason>;
  /** Shorter strings cut wherever they end. */
  readonly markers: ReadonlyArray<readonly [string, Reason]>;
}

const addWindows = (into: Map<string, Reason>, text: string, width: number, reason: Reason) => {
  for (const w of windowsOf(text, width)) if (into.get(w) !== 'secret') into.set(w, reason);
};

/** The views the guard watches, each with the runs it cuts. */
const watchedViews = ({ secrets = [], system = systemPrompt('', ''), allowed = [] }: AnswerGuardOptions): Watched[] => {
  const letters: Watched = { view: lettersView(), width: WIDTHS.letters, windows: new Map(), markers: [] };
  addWindows(letters.windows, viewOf(lettersView, system), WIDTHS.letters, 'prompt');
  // The documents and the question may say what the prompt says; repeating them leaks nothing.
  for (const text of allowed) for (const w of windowsOf(viewOf(lettersView, text), WIDTHS.letters)) letters.windows.delete(w);
  const markers = MARKERS.map((m) => [viewOf(lettersView, m), 'prompt'] as const);

  const key: Watched = { view: alnumView(), width: WIDTHS.key, windows: new Map(), markers: [] };
  // The key again with digits read as letters, as it reads when written in leetspeak.
  const keyLetters: Watched = { view: lettersView(), width: WIDTHS.key, windows: new Map(), markers: [] };
  const keyMarkers: Array<readonly [string, Reason]> = [];
  const base64: Watched = { view: base64View(), width: WIDTHS.base64, windows: new Map(), markers: [] };
  const hex: Watched = { view: hexView(), width: WIDTHS.hex, windows: new Map(), markers: [] };
  for (const s of secrets) {
    const alnum = viewOf(alnumView, s);
    addWindows(keyLetters.windows, viewOf(lettersView, s), WIDTHS.key, 'secret');
    if (alnum.length >= WIDTHS.key) addWindows(key.windows, alnum, WIDTHS.key, 'secret');
    else if (alnum.length >= 8) keyMarkers.push([alnum, 'secret']);
    for (const b of base64Alignments(s)) addWindows(base64.windows, b, WIDTHS.base64, 'secret');
    addWindows(hex.windows, hexOf(s), WIDTHS.hex, 'secret');
  }
  for (const b of base64Alignments(system)) addWindows(base64.windows, b, WIDTHS.base64, 'prompt');
  addWindows(hex.windows, hexOf(system), WIDTHS.hex, 'prompt');
  return [{ ...letters, markers }, { ...key, markers: keyMarkers }, keyLetters, base64, hex];
};

/** Why the run or marker ending at view position `end` is cut, if it is. */
const cutAt = (w: Watched, end: number): Reason | undefined => {
  const { chars, runStart } = w.view;
  if (end - w.width >= runStart) {
    const reason = w.windows.get(chars.slice(end - w.width, end));
    if (reason) return reason;
  }
  for (const [marker, reason] of w.markers) {
    if (end - marker.length >= runStart && chars.startsWith(marker, end - marker.length)) return reason;
  }
  return undefined;
};

export const createAnswerGuard = (options: AnswerGuardOptions = {}): AnswerGuard => {
  const watched = watchedViews(options);
  let text = '';
  let sent = 0;
  /** Raw index of every visible character: key shapes are held by these. */
  const visible: number[] = [];
  /** The text as key shapes are looked for in it: invisible characters dropped, look-alikes folded. */
  let shape = '';
  /** A high surrogate at the end of a delta waits for its pair. */
  let pending = '';
  let tripped: Reason | undefined;

  const take = (delta: string): void => {
    for (const ch of delta) {
      const at = text.length;
      text += ch;
      const invisible = INVISIBLE.test(ch);
      if (!invisible) shape += foldCharKeepCase(ch);
      if (!invisible && !/\s/.test(ch)) visible.push(at);
      for (const w of watched) {
        const before = w.view.chars.length;
        const added = w.view.add(ch, at);
        for (let end = before + 1; end <= before + added && !tripped; end++) tripped = cutAt(w, end);
      }
      if (tripped) return;
    }
    if (looksLikeKey(shape.slice(-SHAPE_TAIL))) tripped = 'secret';
  };

  /** Where the run of key characters the text ends in starts (a key shape found later starts there), within SHAPE_RUN_HOLD. */
  const keyRunStart = (): number => {
    let at = text.length;
    while (at > 0 && text.length - at < SHAPE_RUN_HOLD && KEY_CHAR.test(text[at - 1]!)) at--;
    return at;
  };

  /** Where the held text starts: the earliest raw index a cut could still reach back to. */
  const holdFrom = (): number => {
    let from = visible.length >= SHAPE_HOLD ? visible[visible.length - SHAPE_HOLD]! : visible.length ? visible[0]! : text.length;
    from = Math.min(from, keyRunStart());
    for (const w of watched) from = Math.min(from, w.view.holdFrom(w.width));
    return Math.min(from, text.length);
  };

  const release = (upTo: number): string => {
    if (upTo <= sent) return '';
    const out = text.slice(sent, upTo);
    sent = upTo;
    return out;
  };

  return {
    push(delta) {
      if (tripped) return '';
      let d = pending + delta;
      pending = '';
      const last = d.charCodeAt(d.length - 1);
      if (last >= 0xd800 && last <= 0xdbff) {
        pending = d.slice(-1);
        d = d.slice(0, -1);
      }
      take(d);
      if (tripped) return `\n\n${REFUSAL}`;
      return release(holdFrom());
    },
    flush() {
      if (tripped) return '';
      if (pending) {
        take(pending);
        pending = '';
        if (tripped) return `\n\n${REFUSAL}`;
      }
      return release(text.length);
    },
    get tripped() {
      return tripped;
    },
  };
};
