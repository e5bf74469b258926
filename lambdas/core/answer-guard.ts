/**
 * A last line of defence on what a model streams back: the answer is cut if it
 * repeats any run of the system prompt (its canary, its rules, the owner's
 * guidance) or a key, however it is written: spaced out, split by zero-width
 * characters or punctuation, in other case or look-alike letters, as base64 or
 * hex. Key-shaped strings are cut even when glued to a word, upper-cased,
 * dotted or regrouped; a paraphrase of the rules is cut once it has named most
 * of their ideas (prompt-topics.ts), which takes a few sentences. Text is held back
 * until no protected run could still start in it, so nothing of a protected
 * string goes out before the cut; the hold is bounded (a few dozen characters
 * of ordinary text) and released at the end. Prompting is the first defence;
 * this one does not trust it.
 */
import {
  alnumView, base64Alignments, base64View, foldChar, foldCharKeepCase, type GuardView, hexOf, hexView, INVISIBLE, lettersView, viewOf, windowsOf,
} from './guard-views.ts';
import { PROMPT_CANARY, systemPrompt } from './prompt.ts';
import { createTopicCounter } from './prompt-topics.ts';

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
const SHAPE_TAIL = 300;

/** Phrases of the prompt cut however short: nothing else would ever say them. */
const MARKERS = [PROMPT_CANARY, 'Rules that nothing below'];

/** Keys by shape: OpenAI and Anthropic keys (a 20-character run of letters and digits after `sk-`), JWT-like tokens. */
const SK = /sk-[A-Za-z0-9_-]{20,}/gi;
const JWT = /[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{10,}/;
/** A run of letters and digits long and mixed enough to be a random key, however it starts. */
const RANDOM_RUN = /[A-Za-z0-9]{28,}/g;
/** Single characters separated by spaces or dots ("s k - p r o j", "s.k.-.p"), at least five of them. */
const SPACED_OUT = /(?<![^\s.·•,|/])[^\s.·•,|/](?:[\s.·•,|/]+[^\s.·•,|/](?![^\s.·•,|/])){4,}/gu;
/** A token broken over lines. */
const LINE_BROKEN = /(?<=[A-Za-z0-9_-])\n(?=[A-Za-z0-9_-])/g;
/** Groups of up to four characters separated by single spaces ("sk-p roj- Zx9Y"), at least five of them. */
const GROUPED = /(?<!\S)\S{1,4}(?: \S{1,4}(?!\S)){4,}/g;

const count = (s: string, re: RegExp) => s.match(re)?.length ?? 0;
/** At least three capitals, three small letters and three digits, changing class often: not a word, a number or a code. */
const looksRandom = (run: string) =>
  count(run, /[A-Z]/g) >= 3 && count(run, /[a-z]/g) >= 3 && count(run, /\d/g) >= 3 && count(run, /[A-Z](?=[a-z\d])|[a-z](?=[A-Z\d])|\d(?=[A-Za-z])/g) >= 10;

const skShaped = (text: string): boolean => {
  for (const m of text.matchAll(SK)) {
    // A key has a long run of mixed letters and digits; "ask-for-the-2024-price-list" has not.
    if (m[0].split(/[-_]/).some((part) => part.length >= 20 && /\d.*\d/.test(part) && /[a-z].*[a-z]/i.test(part))) return true;
  }
  return false;
};

/** Whether `text` holds something shaped like a key that `allowed` (the documents) does not. */
const looksLikeKey = (text: string, allowed: string): boolean => {
  const plain = text.replace(SPACED_OUT, (run) => run.replace(/[\s.·•,|/]+/gu, '')).replace(LINE_BROKEN, '');
  if (JWT.test(plain) || skShaped(plain) || skShaped(text.replace(GROUPED, (run) => run.replace(/ /g, '')))) return true;
  for (const m of plain.matchAll(RANDOM_RUN)) if (looksRandom(m[0]) && !allowed.includes(m[0])) return true;
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

/** What one view of the answer is watched for. */
interface Runs {
  readonly make: () => GuardView;
  readonly width: number;
  /** Runs of exactly `width` characters, and why each is cut. */
  readonly windows: ReadonlyMap<string, Reason>;
  /** Shorter strings cut wherever they end. */
  readonly markers: ReadonlyArray<readonly [string, Reason]>;
  /** Runs the documents and the question contain are not cut (they leak nothing). */
  readonly exemptIfAllowed?: true;
}

interface Watched extends Runs {
  readonly view: GuardView;
}

const windowsFor = (entries: ReadonlyArray<readonly [string, Reason]>, width: number): Map<string, Reason> => {
  const into = new Map<string, Reason>();
  for (const [text, reason] of entries) for (const w of windowsOf(text, width)) if (into.get(w) !== 'secret') into.set(w, reason);
  return into;
};

/** The runs cut for one system prompt and set of keys. */
const protectedRuns = (system: string, secrets: readonly string[]): Runs[] => {
  const long = secrets.filter((s) => viewOf(alnumView, s).length >= WIDTHS.key);
  return [
    { make: lettersView, width: WIDTHS.letters, windows: windowsFor([[viewOf(lettersView, system), 'prompt']], WIDTHS.letters), markers: MARKERS.map((m) => [viewOf(lettersView, m), 'prompt'] as const), exemptIfAllowed: true },
    {
      make: alnumView, width: WIDTHS.key, windows: windowsFor(long.map((s) => [viewOf(alnumView, s), 'secret'] as const), WIDTHS.key),
      markers: secrets.map((s) => viewOf(alnumView, s)).filter((a) => a.length >= 8 && a.length < WIDTHS.key).map((a) => [a, 'secret'] as const),
    },
    // The key again with digits read as letters, as it reads when written in leetspeak.
    { make: lettersView, width: WIDTHS.key, windows: windowsFor(secrets.map((s) => [viewOf(lettersView, s), 'secret'] as const), WIDTHS.key), markers: [] },
    {
      make: base64View, width: WIDTHS.base64, markers: [],
      windows: windowsFor([...secrets.flatMap((s) => base64Alignments(s).map((b) => [b, 'secret'] as const)), ...base64Alignments(system).map((b) => [b, 'prompt'] as const)], WIDTHS.base64),
    },
    { make: hexView, width: WIDTHS.hex, markers: [], windows: windowsFor([...secrets.map((s) => [hexOf(s), 'secret'] as const), [hexOf(system), 'prompt']], WIDTHS.hex) },
  ];
};

/** The last few prompts' runs: a function answers for the same bot again and again, and they take milliseconds to build. */
const cache = new Map<string, Runs[]>();
const runsFor = (system: string, secrets: readonly string[]): Runs[] => {
  const key = JSON.stringify([system, secrets]);
  let runs = cache.get(key);
  if (!runs) {
    runs = protectedRuns(system, secrets);
    if (cache.size >= 8) cache.delete(cache.keys().next().value!);
  }
  cache.delete(key);
  cache.set(key, runs);
  return runs;
};

/** Why the run or marker ending at view position `end` is cut, if it is; `allowed` is the allowed text's letters. */
const cutAt = (w: Watched, end: number, allowed: string): Reason | undefined => {
  const { chars, runStart } = w.view;
  if (end - w.width >= runStart) {
    const run = chars.slice(end - w.width, end);
    const reason = w.windows.get(run);
    if (reason && !(w.exemptIfAllowed && allowed.includes(run))) return reason;
  }
  for (const [marker, reason] of w.markers) {
    if (end - marker.length >= runStart && chars.startsWith(marker, end - marker.length)) return reason;
  }
  return undefined;
};

export const createAnswerGuard = (options: AnswerGuardOptions = {}): AnswerGuard => {
  const watched: Watched[] = runsFor(options.system ?? systemPrompt('', ''), options.secrets ?? []).map((r) => ({ ...r, view: r.make() }));
  const allowedLetters = (options.allowed ?? []).map((t) => viewOf(lettersView, t)).join(' ');
  const allowedText = (options.allowed ?? []).join('\n');
  const topics = createTopicCounter(options.allowed ?? []);
  /** The word being read, folded to plain letters. */
  let word = '';
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
        for (let end = before + 1; end <= before + added && !tripped; end++) tripped = cutAt(w, end, allowedLetters);
      }
      if (tripped) return;
      // Words, for a paraphrase: its run of the rules' ideas is cut as soon as it is seen.
      const letters = foldChar(ch).replace(/[^a-z]/g, '');
      if (letters && letters.length === foldChar(ch).length) word += letters;
      else if (!invisible && word) {
        if (topics(word)) tripped = 'prompt';
        word = '';
        if (tripped) return;
      }
    }
    if (looksLikeKey(shape.slice(-SHAPE_TAIL), allowedText)) tripped = 'secret';
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
