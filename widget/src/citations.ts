/**
 * The sources a visitor sees under an answer, numbered 1, 2, 3 in the order the
 * answer first cites them, and the number each of the answer's own citations
 * shows. The server numbers every passage it retrieved; an answer cites a few
 * of them ([1], [3], [4]), and two passages from the same place are listed once,
 * so its numbers would otherwise skip (①③④ under "3 sources").
 */
import { citedNumbers } from './markdown.ts';

/** What of a source (`api.ts`) its numbering reads: its number and its place. */
export interface NumberedPlace {
  readonly n: number;
  readonly document: string;
  readonly section?: string | undefined;
  readonly page?: number | undefined;
  readonly url?: string | undefined;
}

/** What of a saved answer (`storage.ts`) its numbering reads. */
export interface AnswerSources<S extends NumberedPlace> {
  readonly text: string;
  readonly sources?: readonly S[] | undefined;
  readonly state?: 'streaming' | 'done' | 'stopped' | 'failed' | undefined;
  readonly answered?: boolean | undefined;
}

export interface NumberedSources<S extends NumberedPlace> {
  /** The sources to list, each with the number the visitor sees. */
  readonly sources: S[];
  /** The number a citation `[n]` of the answer shows; undefined for one that names no listed source. */
  readonly shown: (n: number) => number | undefined;
}

const placeOf = (s: NumberedPlace) => `${s.document}|${s.section}|${s.page}|${s.url}`;

/**
 * The passages an answer cites (all of them if it cites none, none if it was
 * stopped before citing), each place once; none under an answer that declined.
 */
export const numberSources = <S extends NumberedPlace>(msg: AnswerSources<S>): NumberedSources<S> => {
  // Saved in session storage, so not trusted to be an array.
  const all: readonly S[] = msg.state === 'done' && !msg.answered ? [] : Array.isArray(msg.sources) ? (msg.sources as readonly S[]) : [];
  const byN = new Map(all.map((s) => [s.n, s]));
  const cited = citedNumbers(msg.text).filter((n) => byN.has(n));
  const listed = cited.length ? cited.map((n) => byN.get(n)!) : msg.state === 'stopped' ? [] : all;
  const sources: S[] = [];
  const numberOfPlace = new Map<string, number>();
  const shownOf = new Map<number, number>();
  for (const s of listed) {
    const place = placeOf(s);
    let shown = numberOfPlace.get(place);
    if (shown === undefined) {
      shown = sources.length + 1;
      numberOfPlace.set(place, shown);
      sources.push({ ...s, n: shown });
    }
    shownOf.set(s.n, shown);
  }
  return { sources, shown: (n) => shownOf.get(n) };
};
