/**
 * Grouping visitors' questions so that one question asked many ways counts once.
 * Questions are compared by the Jaccard similarity of their terms (`terms()`:
 * lower case, stop words dropped, Porter-stemmed) after dropping greetings and
 * filler ("please", "tell me", "possible"), so "Do you ship to Canada?" and
 * "Shipping to Canada please" are one question while "Do you ship to Mexico?"
 * is another. Words that mean the same but are spelt differently ("deliver",
 * "ship") are not matched: the grouping is lexical.
 *
 * Deterministic and stable as questions arrive: questions are taken oldest first
 * and each joins the group where it is similar (Jaccard >= `SIMILAR`) to at least
 * half of the phrasings, or starts a group of its own. Asking "most of the group"
 * rather than "anyone in it" stops chains ("ship to Canada" - "ship to Canada and
 * Mexico" - "ship to Mexico") from merging different questions. A group is named
 * by its first question, which later questions never change; the owner reads its
 * most typical phrasing.
 */
import { terms } from './text.ts';

/**
 * Two questions are phrasings of one when their terms overlap at least this much
 * (Jaccard). Above one half, so questions of three terms that differ in one
 * ("sell the X online", "sell the Y online") stay apart: a wrong merge hides a
 * question from the owner, while a missed one only shows it twice.
 */
export const SIMILAR = 0.6;

/** Words that say nothing about what is asked; compared as `terms()` gives them (stemmed). */
const FILLER = new Set(terms(
  'hi hello hey hallo please pls thanks thank also just tell know want wanted need like much many possible possibly ' +
  'anyone someone anybody somebody get got question ask asking help us ok okay yes yeah exactly really still ' +
  'u ur im'));

/** The terms that say what a question asks about. */
export const questionTerms = (question: string): ReadonlySet<string> =>
  new Set(terms(question).filter((t) => !FILLER.has(t) && (t.length > 1 || /\p{N}/u.test(t))));

export const jaccard = (a: ReadonlySet<string>, b: ReadonlySet<string>): number => {
  if (!a.size && !b.size) return 0;
  let shared = 0;
  for (const t of a) if (b.has(t)) shared++;
  return shared / (a.size + b.size - shared);
};

/** A question to group: `key` identifies it (unique), `askedAt` is an ISO time. */
export interface Asked {
  readonly key: string;
  readonly question: string;
  readonly askedAt: string;
}

export interface QuestionGroup<T extends Asked> {
  /** The first question of the group (the oldest): its key names the group. */
  readonly seed: T;
  /** Oldest first. */
  readonly members: readonly T[];
  /** The phrasing most like the others, in its most common wording, for the owner to read. */
  readonly representative: T;
}

/**
 * A question's wording without case, punctuation or spacing: "DO YOU SHIP??" and "Do you ship?"
 * are one wording. Questions with no terms of their own ("???", "hi") group only with the same wording.
 */
export const wordingOf = (q: string): string => q.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();

interface Phrasing {
  readonly terms: ReadonlySet<string>;
  /** Members asked with these terms, oldest first. */
  readonly asks: Asked[];
}

interface Building {
  readonly seed: Asked;
  readonly members: Asked[];
  /** Distinct term sets: a phrasing asked a hundred times is compared once. */
  readonly phrasings: Map<string, Phrasing>;
  readonly index: number;
}

const signatureOf = (t: ReadonlySet<string>): string => [...t].sort().join(' ');

/** How well `t` fits a group: the share of its asks (by phrasing) it is similar to, then the mean similarity. */
const fit = (g: Building, t: ReadonlySet<string>): { share: number; mean: number } => {
  let similar = 0, sum = 0, n = 0;
  for (const p of g.phrasings.values()) {
    const j = jaccard(t, p.terms);
    const weight = p.asks.length;
    if (j >= SIMILAR) similar += weight;
    sum += j * weight;
    n += weight;
  }
  return { share: similar / n, mean: sum / n };
};

const byAsked = (a: Asked, b: Asked): number => a.askedAt.localeCompare(b.askedAt) || a.key.localeCompare(b.key);

/**
 * The phrasing most similar to the group's other asks (on a tie the one asked
 * last), in its most common wording, as first asked.
 */
const representativeOf = (g: Building): Asked => {
  let best: { phrasing: Phrasing; score: number; newest: Asked } | undefined;
  for (const p of g.phrasings.values()) {
    let score = 0;
    for (const q of g.phrasings.values()) score += jaccard(p.terms, q.terms) * (q === p ? p.asks.length - 1 : q.asks.length);
    const newest = p.asks[p.asks.length - 1]!;
    if (!best || score > best.score || (score === best.score && byAsked(newest, best.newest) > 0)) best = { phrasing: p, score, newest };
  }
  const wordings = new Map<string, Asked[]>();
  for (const a of best!.phrasing.asks) {
    const w = wordingOf(a.question);
    wordings.set(w, [...(wordings.get(w) ?? []), a]);
  }
  // Map order is first-asked order, so a tie keeps the wording asked first.
  return [...wordings.values()].reduce((a, b) => (b.length > a.length ? b : a))[0]!;
};

/** Groups questions; groups come out in no particular order (callers sort them). */
export const groupQuestions = <T extends Asked>(questions: readonly T[]): Array<QuestionGroup<T>> => {
  const groups: Building[] = [];
  /** term → groups holding a phrasing with it: only those can reach SIMILAR. */
  const byTerm = new Map<string, Set<Building>>();
  const byText = new Map<string, Building>();
  for (const q of [...questions].sort(byAsked)) {
    const t = questionTerms(q.question);
    const signature = t.size ? signatureOf(t) : `text:${wordingOf(q.question)}`;
    let home: Building | undefined;
    if (!t.size) home = byText.get(signature);
    else {
      let best: { g: Building; share: number; mean: number } | undefined;
      const candidates = new Set<Building>();
      for (const term of t) for (const g of byTerm.get(term) ?? []) candidates.add(g);
      for (const g of candidates) {
        const f = fit(g, t);
        if (f.share < 0.5) continue;
        if (!best || f.share > best.share || (f.share === best.share && (f.mean > best.mean || (f.mean === best.mean && g.index < best.g.index)))) best = { g, ...f };
      }
      home = best?.g;
    }
    if (!home) {
      home = { seed: q, members: [], phrasings: new Map(), index: groups.length };
      groups.push(home);
      if (!t.size) byText.set(signature, home);
    }
    home.members.push(q);
    const phrasing = home.phrasings.get(signature);
    if (phrasing) phrasing.asks.push(q);
    else home.phrasings.set(signature, { terms: t, asks: [q] });
    for (const term of t) {
      let set = byTerm.get(term);
      if (!set) byTerm.set(term, (set = new Set()));
      set.add(home);
    }
  }
  return groups.map((g) => ({ seed: g.seed as T, members: g.members as T[], representative: representativeOf(g) as T }));
};
