/**
 * Spans that may not overlap, each kept only if no span taken before it overlaps
 * it: a lookup is a binary search, and a batch is merged in once, so taking n spans
 * costs O(n log n) where checking each against every other would cost O(n²).
 */
export interface Span { readonly start: number; readonly end: number }

/** The index of the first span ending after `start` in spans sorted by start and disjoint (so sorted by end too). */
const firstEndingAfter = (spans: readonly Span[], start: number): number => {
  let lo = 0;
  let hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (spans[mid]!.end <= start) lo = mid + 1;
    else hi = mid;
  }
  return lo;
};

const overlapsAny = (spans: readonly Span[], span: Span): boolean => {
  const i = firstEndingAfter(spans, span.start);
  return i < spans.length && spans[i]!.start < span.end;
};

export class DisjointSpans<S extends Span> {
  #held: S[];

  /** `held` must be sorted by start and disjoint. */
  constructor(held: readonly S[] = []) {
    this.#held = [...held];
  }

  /** Every span held, earliest first. */
  get spans(): readonly S[] {
    return this.#held;
  }

  /**
   * Takes each candidate, in the order given, that overlaps no span held and no
   * candidate taken before it; returns those taken, earliest first. Candidates in
   * ascending order (as a regular expression's matches come) are added in O(1) each.
   */
  takeAll(candidates: Iterable<S>): S[] {
    const taken: S[] = [];
    for (const span of candidates) {
      if (overlapsAny(this.#held, span) || overlapsAny(taken, span)) continue;
      const last = taken.at(-1);
      if (last === undefined || last.start <= span.start) taken.push(span);
      else taken.splice(firstEndingAfter(taken, span.start), 0, span);
    }
    this.#held = merged(this.#held, taken);
    return taken;
  }
}

const merged = <S extends Span>(a: readonly S[], b: readonly S[]): S[] => {
  if (b.length === 0) return a as S[];
  const out: S[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i]!.start < b[j]!.start)) out.push(a[i++]!);
    else out.push(b[j++]!);
  }
  return out;
};
