/**
 * PDF text layer into blocks, one page at a time: lines rebuilt from text item
 * positions, paragraphs from vertical gaps, headings from larger fonts. Every
 * block carries its 1-based page so that citations can name it.
 *
 * pdf.js runs in-process (unpdf's serverless build). Its error messages never
 * reach the owner: every failure becomes one of the reasons below.
 */
import { getResolvedPDFJS } from 'unpdf';
import { UnreadableDocument } from '../../core/errors.ts';
import type { Block, ParsedDocument } from '../../core/records.ts';
import { pdfJsDataPaths } from './pdfjs-data.ts';

/** Pages read from one PDF unless the caller says otherwise. */
export const DEFAULT_MAX_PDF_PAGES = 2_000;

export interface PdfLimits {
  /** Refuse PDFs with more pages than this. @default 2000 */
  readonly maxPages?: number;
}

const PASSWORD_PROTECTED = 'This PDF is password-protected. Remove the password and upload it again.';
const DAMAGED = 'This PDF is damaged and cannot be read.';
const NO_TEXT_LAYER = 'This PDF has no text layer — it looks scanned. Upload a PDF with selectable text.';
const tooManyPages = (max: number): string => `This PDF has more than ${max.toLocaleString('en-US')} pages.`;

type PdfJs = Awaited<ReturnType<typeof getResolvedPDFJS>>;
type PdfDocument = Awaited<ReturnType<PdfJs['getDocument']>['promise']>;
type PdfPage = Awaited<ReturnType<PdfDocument['getPage']>>;
type ContentItem = Awaited<ReturnType<PdfPage['getTextContent']>>['items'][number];
type TextItem = Extract<ContentItem, { str: string }>;

/** A text item placed on its baseline: `u` runs along the line, `v` across it. */
interface Placed { str: string; u: number; v: number; width: number; size: number; angle: number; rtl: boolean }
interface Line { text: string; v: number; size: number; angle: number }
interface Paragraph { lines: string[]; size: number; page: number }

/** Heading lines are at least this much larger than body text, and short. */
const HEADING_RATIO = 1.15;
const MAX_HEADING_CHARS = 150;
const MAX_HEADING_LINES = 3;
const DOT_LEADER = /(\.\s?){4,}/u;

const HAS_WORD = /[\p{L}\p{N}]/u;
// Some generators set U+0002 and other control codes where a space belongs: they separate, like a space.
const CONTROL = /\p{Cc}/gu;
const INVISIBLE = /\uFEFF/gu;
const WHITESPACE_RUN = /\s+/gu;
// Scripts written without spaces between words: lines join without one.
const CJK_END = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u3000-\u303F\uFF00-\uFFEF]$/u;
const CJK_START = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u3000-\u303F\uFF00-\uFFEF]/u;
const RTL_CHAR = /[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}]/gu;
const LTR_STRONG = /[\p{L}\p{N}]/u;

const titleFromName = (name: string): string => name.replace(/\.[^.]+$/, '').replace(/[_-]+/g, ' ').trim() || name;

/** The metadata title, unless it is empty, generic or an authoring tool's file name. */
const sensibleTitle = (raw: unknown): string | undefined => {
  if (typeof raw !== 'string') return undefined;
  const title = raw
    .replace(CONTROL, ' ')
    .replace(INVISIBLE, '')
    .replace(WHITESPACE_RUN, ' ')
    .trim()
    .replace(/^Microsoft (Word|PowerPoint|Excel) - /i, '')
    .replace(/\.(docx?|pptx?|xlsx?|odt|rtf|pdf|indd|pages|key|txt|md)$/i, '')
    .trim();
  if (!HAS_WORD.test(title) || title.length > 200 || title.includes('\uFFFD')) return undefined;
  if (/^(untitled|document|title|none|null|slide|presentation|powerpoint presentation|doc)?[\s_-]*\d*$/i.test(title)) return undefined;
  return title;
};

const placeItem = (item: TextItem): Placed | undefined => {
  if (!item.str) return undefined;
  const [a = 1, b = 0, c = 0, d = 1, e = 0, f = 0] = item.transform as number[];
  const angle = Math.atan2(b, a);
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const size = Math.hypot(c, d) || item.height || 1;
  return { str: item.str, u: e * cos + f * sin, v: -e * sin + f * cos, width: Math.abs(item.width), size, angle, rtl: item.dir === 'rtl' };
};

const isBlank = (s: string): boolean => s.trim() === '';
const sameAngle = (x: { angle: number }, y: { angle: number }): boolean => Math.abs(x.angle - y.angle) < 0.05;

/**
 * Puts a right-to-left line's pieces in logical order. pdf.js gives each
 * right-to-left item in logical order already; the items themselves come left
 * to right, so reverse them and then restore runs of left-to-right words.
 */
const logicalOrder = (pieces: { text: string; ltr: boolean }[]): string[] => {
  const reversed = [...pieces].reverse();
  const out: string[] = [];
  for (let i = 0; i < reversed.length; ) {
    if (!reversed[i]!.ltr) {
      out.push(reversed[i]!.text);
      i++;
      continue;
    }
    // A run from one strong left-to-right piece to the last one, neutrals between.
    let j = i;
    let last = i;
    while (j < reversed.length && (reversed[j]!.ltr || isBlank(reversed[j]!.text))) {
      if (reversed[j]!.ltr) last = j;
      j++;
    }
    for (let k = last; k >= i; k--) out.push(reversed[k]!.text);
    i = last + 1;
  }
  return out;
};

const buildLine = (items: Placed[]): Line | undefined => {
  const sorted = [...items].sort((x, y) => x.u - y.u);
  const pieces: { text: string; ltr: boolean }[] = [];
  let rtlChars = 0;
  let ltrChars = 0;
  let dominant = sorted[0]!;
  sorted.forEach((item, i) => {
    const prev = sorted[i - 1];
    if (prev) {
      // Distance between the two items' extents, whichever way the text runs.
      const gap = Math.max(item.u, prev.u) - Math.min(item.u + item.width, prev.u + prev.width);
      if (gap > 0.15 * Math.max(item.size, prev.size) && !/\s$/u.test(prev.str) && !/^\s/u.test(item.str)) pieces.push({ text: ' ', ltr: false });
    }
    const rtl = (item.str.match(RTL_CHAR) ?? []).length;
    const ltr = !item.rtl && rtl === 0 && LTR_STRONG.test(item.str);
    rtlChars += rtl;
    if (ltr) ltrChars += item.str.length;
    pieces.push({ text: item.str, ltr });
    if (item.str.length > dominant.str.length) dominant = item;
  });
  const ordered = rtlChars > ltrChars ? logicalOrder(pieces) : pieces.map((p) => p.text);
  const text = ordered.join('').replace(CONTROL, ' ').replace(INVISIBLE, '').replace(WHITESPACE_RUN, ' ').trim();
  if (!text) return undefined;
  return { text, v: items[0]!.v, size: dominant.size, angle: items[0]!.angle };
};

/** Groups a page's items into lines by baseline, in content order. */
const linesOf = (items: readonly ContentItem[]): Line[] => {
  const lines: Line[] = [];
  let current: Placed[] = [];
  const endLine = () => {
    const line = current.length ? buildLine(current) : undefined;
    if (line) lines.push(line);
    current = [];
  };
  for (const raw of items) {
    if (!('str' in raw)) continue;
    const item = placeItem(raw);
    if (!item) continue;
    const head = current[0];
    if (head && (!sameAngle(item, head) || Math.abs(item.v - head.v) > 0.5 * Math.max(item.size, head.size))) {
      endLine();
    }
    // Whitespace never starts a line: it would only decide where the line sits.
    if (current.length === 0 && isBlank(item.str)) continue;
    current.push(item);
  }
  endLine();
  return lines;
};

const median = (values: number[]): number | undefined => {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)];
};

const similarSize = (x: number, y: number): boolean => Math.max(x, y) / Math.min(x, y) < HEADING_RATIO;

/** Splits a page's lines into paragraphs where the gap between lines is larger than the page's usual line pitch. */
const paragraphsOf = (lines: Line[], page: number): Paragraph[] => {
  const ratios: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const prev = lines[i - 1]!;
    const line = lines[i]!;
    const r = (prev.v - line.v) / Math.max(prev.size, line.size);
    if (sameAngle(prev, line) && similarSize(prev.size, line.size) && r > 0.3 && r < 4) ratios.push(r);
  }
  const pitch = median(ratios) ?? 1.2;
  const breakAt = Math.min(Math.max(1.3 * pitch, pitch + 0.4), 2);

  const paragraphs: Paragraph[] = [];
  let current: Paragraph | undefined;
  let prev: Line | undefined;
  for (const line of lines) {
    const r = prev ? (prev.v - line.v) / Math.max(prev.size, line.size) : 0;
    const sameParagraph = current && prev && sameAngle(prev, line) && similarSize(prev.size, line.size) && r > 0.3 && r <= breakAt;
    if (current && sameParagraph) current.lines.push(line.text);
    else paragraphs.push((current = { lines: [line.text], size: line.size, page }));
    prev = line;
  }
  return paragraphs;
};

const HYPHENATED_WORD = /\p{L}+-\p{L}+/gu;
const LAST_WORD = /\p{L}+$/u;
const FIRST_WORD = /^\p{L}+/u;

/**
 * Joins a paragraph's lines. A line-end hyphen between lower-case letters is a
 * word broken across lines and goes, unless the document spells the same
 * compound with a hyphen elsewhere (`compounds`); other line-end hyphens stay,
 * with no space after them ("Jean-Luc").
 */
const joinLines = (lines: readonly string[], compounds: ReadonlySet<string>): string => {
  let text = '';
  for (const raw of lines) {
    const line = raw.replace(/\u00AD(?!$)/gu, '');
    if (!text) {
      text = line;
      continue;
    }
    if (text.endsWith('\u00AD')) {
      text = text.slice(0, -1) + line;
    } else if (/\p{L}[-\u2010]$/u.test(text) && /^\p{L}/u.test(line)) {
      const compound = `${LAST_WORD.exec(text.slice(0, -1))?.[0] ?? ''}-${FIRST_WORD.exec(line)?.[0] ?? ''}`.toLowerCase();
      const broken = /\p{Ll}.$/u.test(text) && /^\p{Ll}/u.test(line) && !compounds.has(compound);
      text = broken ? text.slice(0, -1) + line : text + line;
    } else if (CJK_END.test(text) && CJK_START.test(line)) {
      text += line;
    } else {
      text += ` ${line}`;
    }
  }
  return text.replace(/\u00AD$/u, '');
};

/** Body text is the size most characters are set in. */
const bodySizeOf = (paragraphs: readonly Paragraph[]): number => {
  const weight = new Map<number, number>();
  for (const p of paragraphs) {
    const key = Math.round(p.size * 2) / 2;
    weight.set(key, (weight.get(key) ?? 0) + p.lines.reduce((n, l) => n + l.length, 0));
  }
  let body = 0;
  let most = -1;
  for (const [size, chars] of weight) if (chars > most || (chars === most && size < body)) [body, most] = [size, chars];
  return body;
};

const isHeading = (p: Paragraph, bodySize: number): boolean => {
  if (p.size < bodySize * HEADING_RATIO || p.size - bodySize < 1 || p.lines.length > MAX_HEADING_LINES) return false;
  const text = p.lines.join(' ');
  // Two letters at least (not a drop cap or a page number), and no dot leaders (a contents line).
  return text.length <= MAX_HEADING_CHARS && (text.match(/\p{L}/gu) ?? []).length >= 2 && !DOT_LEADER.test(text);
};

/** Heading level by size: the largest heading size is level 1; sizes within 5% share a level. */
const headingLevels = (sizes: readonly number[]): ((size: number) => number) => {
  const levels: number[] = [];
  for (const size of [...new Set(sizes)].sort((x, y) => y - x)) {
    const last = levels[levels.length - 1];
    if (last === undefined || size < last * 0.95) levels.push(size);
  }
  return (size) => {
    const index = levels.findIndex((head) => size >= head * 0.95);
    return Math.min((index < 0 ? levels.length - 1 : index) + 1, 6);
  };
};

const assemble = (paragraphs: readonly Paragraph[]): Pick<ParsedDocument, 'text' | 'blocks'> => {
  const compounds = new Set<string>();
  for (const p of paragraphs) for (const line of p.lines) for (const m of line.matchAll(HYPHENATED_WORD)) compounds.add(m[0].toLowerCase());

  const bodySize = bodySizeOf(paragraphs);
  const headingFlags = paragraphs.map((p) => isHeading(p, bodySize));
  const levelOf = headingLevels(paragraphs.filter((_, i) => headingFlags[i]).map((p) => p.size));

  const blocks: Block[] = [];
  const headings: string[] = [];
  let text = '';
  paragraphs.forEach((p, i) => {
    const body = joinLines(p.lines, compounds);
    if (!body) return;
    const kind = headingFlags[i] ? 'heading' : 'paragraph';
    if (kind === 'heading') {
      const level = levelOf(p.size);
      headings.splice(level - 1);
      while (headings.length < level - 1) headings.push('');
      headings.push(body);
    }
    if (text) text += '\n\n';
    const start = text.length;
    text += body;
    blocks.push({ kind, text: body, start, end: text.length, headings: headings.filter(Boolean), page: p.page });
  });
  return { text, blocks };
};

const titleOf = async (pdf: PdfDocument): Promise<string | undefined> => {
  try {
    const { info, metadata } = await pdf.getMetadata();
    return sensibleTitle((info as { Title?: unknown } | undefined)?.Title) ?? sensibleTitle(metadata?.get('dc:title'));
  } catch {
    // A broken info dictionary costs the title, not the document.
    return undefined;
  }
};

const reasonFor = (error: unknown): string =>
  error instanceof Error && error.name === 'PasswordException' ? PASSWORD_PROTECTED : DAMAGED;

/**
 * Reads a PDF's text layer into a titled document with page-numbered blocks.
 * Throws `UnreadableDocument` for password-protected, damaged, scanned or
 * over-long PDFs.
 */
export const parsePdf = async (bytes: Uint8Array, name: string, limits: PdfLimits = {}): Promise<ParsedDocument> => {
  const maxPages = limits.maxPages ?? DEFAULT_MAX_PDF_PAGES;
  const { getDocument } = await getResolvedPDFJS();
  const task = getDocument({
    // A copy: pdf.js may take over the buffer, and refuses Node Buffers.
    data: new Uint8Array(bytes),
    // Text only: no font loading, no eval of font programs, nothing fetched. CMaps and
    // standard font data come from the package's own folder (CJK and CID-keyed fonts need them).
    ...pdfJsDataPaths(),
    cMapPacked: true,
    isEvalSupported: false,
    useSystemFonts: false,
    disableFontFace: true,
    useWorkerFetch: false,
    useWasm: false,
    isOffscreenCanvasSupported: false,
    isImageDecoderSupported: false,
    enableXfa: false,
    verbosity: 0,
  });
  try {
    let pdf: PdfDocument;
    try {
      pdf = await task.promise;
    } catch (error) {
      throw new UnreadableDocument(reasonFor(error));
    }
    if (pdf.numPages > maxPages) throw new UnreadableDocument(tooManyPages(maxPages));
    if (pdf.numPages < 1) throw new UnreadableDocument(DAMAGED);

    const paragraphs: Paragraph[] = [];
    for (let n = 1; n <= pdf.numPages; n++) {
      let page: PdfPage | undefined;
      try {
        page = await pdf.getPage(n);
        const content = await page.getTextContent({ includeMarkedContent: false });
        paragraphs.push(...paragraphsOf(linesOf(content.items), n));
      } catch (error) {
        throw new UnreadableDocument(reasonFor(error));
      } finally {
        page?.cleanup();
      }
    }
    if (!paragraphs.some((p) => p.lines.some((l) => HAS_WORD.test(l)))) throw new UnreadableDocument(NO_TEXT_LAYER);

    const { text, blocks } = assemble(paragraphs);
    return { title: (await titleOf(pdf)) ?? titleFromName(name), text, blocks };
  } finally {
    await task.destroy();
  }
};
