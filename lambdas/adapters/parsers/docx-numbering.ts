/**
 * List markers from numbering.xml: which format and text each level of each
 * list has, and the counters that turn them into "3.", "b)" or "1.2." as Word
 * shows them, so that a numbered procedure keeps its numbers in the chunk text.
 */
import { wordPrefixOf } from './docx-xml.ts';
import { scanMarkup } from './markup.ts';

interface Level { format: string; text: string; start: number }

/** Spaces per nesting level in front of a list item's marker. */
const INDENT = '  ';

/** Lower-case Roman numerals, as Word writes them for `lowerRoman` lists and endnotes. */
export const toRoman = (n: number): string => {
  const numerals: [number, string][] = [[1000, 'm'], [900, 'cm'], [500, 'd'], [400, 'cd'], [100, 'c'], [90, 'xc'], [50, 'l'], [40, 'xl'], [10, 'x'], [9, 'ix'], [5, 'v'], [4, 'iv'], [1, 'i']];
  let out = '';
  for (const [value, numeral] of numerals) while (n >= value) [n, out] = [n - value, out + numeral];
  return out;
};

/** Word's letter numbering: a–z, then aa–zz, and so on. */
const toLetters = (n: number): string => String.fromCharCode(97 + ((n - 1) % 26)).repeat(Math.floor((n - 1) / 26) + 1);

const formatNumber = (n: number, format: string): string => {
  switch (format) {
    case 'lowerLetter': return toLetters(n);
    case 'upperLetter': return toLetters(n).toUpperCase();
    case 'lowerRoman': return toRoman(n);
    case 'upperRoman': return toRoman(n).toUpperCase();
    case 'decimalZero': return String(n).padStart(2, '0');
    case 'none': return '';
    default: return String(n);
  }
};

// Bullets are often set in Symbol or Wingdings at a private-use code point; "o" in Courier is Word's second-level bullet.
const PRIVATE_USE = /[\uE000-\uF8FF]/u;
const bulletOf = (text: string): string => (!text.trim() || PRIVATE_USE.test(text) ? '•' : text.trim() === 'o' ? '◦' : text.trim());

/** One list instance (`numId`): the abstract list it counts in, its levels, and the levels it restarts. */
interface ListInstance { readonly abstractId: string; readonly levels: ReadonlyMap<number, Level>; readonly restarts: ReadonlyMap<number, number> }

/** Reads numbering.xml: each list instance (`numId`) with its abstract list's levels and its start overrides. */
const readDefinitions = (xml: string): Map<string, ListInstance> => {
  const abstracts = new Map<string, Map<number, Level>>();
  const instances = new Map<string, { abstractId?: string; starts: Map<number, number> }>();
  let w = 'w:';
  let first = true;
  let abstract: Map<number, Level> | undefined;
  let level: Level | undefined;
  let instance: { abstractId?: string; starts: Map<number, number> } | undefined;
  let overrideLevel: number | undefined;
  scanMarkup(xml, 'xml', {
    open(tag, attributes) {
      if (first) [w, first] = [wordPrefixOf(attributes), false];
      const val = attributes.get(`${w}val`);
      if (tag === `${w}abstractNum`) abstracts.set(attributes.get(`${w}abstractNumId`) ?? '', (abstract = new Map<number, Level>()));
      else if (tag === `${w}lvl` && abstract) abstract.set(Number(attributes.get(`${w}ilvl`) ?? 0), (level = { format: 'decimal', text: '', start: 1 }));
      else if (tag === `${w}num`) instances.set(attributes.get(`${w}numId`) ?? '', (instance = { starts: new Map() }));
      else if (tag === `${w}abstractNumId` && instance) instance.abstractId = val;
      else if (tag === `${w}lvlOverride` && instance) overrideLevel = Number(attributes.get(`${w}ilvl`) ?? 0);
      else if (tag === `${w}startOverride` && instance && overrideLevel !== undefined) instance.starts.set(overrideLevel, Number(val ?? 1));
      else if (level && val !== undefined) {
        if (tag === `${w}numFmt`) level.format = val;
        else if (tag === `${w}lvlText`) level.text = val;
        else if (tag === `${w}start`) level.start = Number(val) || 0;
      }
    },
    close(tag) {
      if (tag === `${w}abstractNum`) abstract = undefined;
      else if (tag === `${w}lvl`) level = undefined;
      else if (tag === `${w}num`) instance = undefined;
      else if (tag === `${w}lvlOverride`) overrideLevel = undefined;
    },
    text() {},
  });
  const lists = new Map<string, ListInstance>();
  for (const [numId, { abstractId, starts }] of instances) {
    const levels = abstracts.get(abstractId ?? '');
    if (levels && abstractId !== undefined) lists.set(numId, { abstractId, levels, restarts: starts });
  }
  return lists;
};

/**
 * Counts list items as Word does and writes their markers. Instances of one
 * abstract list share its counters (a list interrupted by a paragraph, or
 * split into two instances, goes on counting) unless an instance restarts a
 * level (`startOverride`); an item resets the counters of the levels below it.
 */
export class ListNumbering {
  private readonly lists: Map<string, ListInstance>;
  private readonly counters = new Map<string, number[]>();
  private readonly started = new Set<string>();

  constructor(xml: string | undefined) {
    this.lists = xml ? readDefinitions(xml) : new Map<string, ListInstance>();
  }

  /**
   * The indentation and marker for the next item of list `numId` at level
   * `ilvl`: "  b) " for a second-level letter. Without a definition for the
   * list, only the indentation.
   */
  next(numId: string, ilvl: number): string {
    const depth = Math.min(Math.max(ilvl, 0), 8);
    const indent = INDENT.repeat(depth);
    const list = this.lists.get(numId);
    const level = list?.levels.get(depth);
    if (!list || !level) return indent;
    const counts = this.counters.get(list.abstractId) ?? [];
    this.counters.set(list.abstractId, counts);
    const startOf = (l: number) => list.restarts.get(l) ?? list.levels.get(l)?.start ?? 1;
    const restartKey = `${numId}/${depth}`;
    if (list.restarts.has(depth) && !this.started.has(restartKey)) {
      this.started.add(restartKey);
      counts.length = depth;
    }
    for (let l = 0; l < depth; l++) counts[l] ??= startOf(l);
    counts[depth] = counts[depth] === undefined ? startOf(depth) : counts[depth] + 1;
    counts.length = depth + 1;
    if (level.format === 'bullet') return `${indent}${bulletOf(level.text)} `;
    const marker = level.text.replace(/%([1-9])/g, (_, n: string) => {
      const l = Number(n) - 1;
      return formatNumber(counts[l] ?? 1, list.levels.get(l)?.format ?? 'decimal');
    }).trim();
    return marker ? `${indent}${marker} ` : indent;
  }
}
