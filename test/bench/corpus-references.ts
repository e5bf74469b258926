/**
 * The reference readings the corpus bench compares Parley's parsers with:
 * pdf.js's own text content for PDFs (every item's string, in content order,
 * as pdf.js's find controller joins them), mammoth's `extractRawText` for Word
 * files when mammoth is installed and otherwise the text runs of the body,
 * footnotes and endnotes read straight from the XML, and for web pages the
 * expected text beside a page (Readability's test layout) or Readability's
 * own reading of it.
 */
import { Readability } from '@mozilla/readability';
import { unzipSync, strFromU8 } from 'fflate';
import { getResolvedPDFJS } from 'unpdf';
import { pdfJsDataPaths } from '../../lambdas/adapters/parsers/pdfjs-data.ts';
import { domOf, textOfHtml } from './text-overlap.ts';

/** The text pdf.js reads and the number of pages. */
export const pdfJsText = async (bytes: Uint8Array): Promise<{ text: string; pages: number }> => {
  const { getDocument } = await getResolvedPDFJS();
  const task = getDocument({ data: new Uint8Array(bytes), ...pdfJsDataPaths(), cMapPacked: true, isEvalSupported: false, useSystemFonts: false, disableFontFace: true, verbosity: 0 });
  try {
    const pdf = await task.promise;
    const pages: string[] = [];
    for (let n = 1; n <= pdf.numPages; n++) {
      const page = await pdf.getPage(n);
      const content = await page.getTextContent();
      pages.push(content.items.map((item) => ('str' in item ? item.str + (item.hasEOL ? '\n' : '') : '')).join(''));
      page.cleanup();
    }
    return { text: pages.join('\n'), pages: pdf.numPages };
  } finally {
    await task.destroy();
  }
};

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const decodeXml = (s: string): string =>
  s.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (m, e: string) =>
    e[0] === '#' ? String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)) : ENTITIES[e] ?? m);

/**
 * The text runs of one WordprocessingML part: `w:t` only (not deleted or field-code text), tabs and
 * breaks as spaces, non-breaking hyphens as hyphens, a line per paragraph; moved-away copies,
 * AlternateContent fallbacks and the notes' separators left out, as Word shows them.
 */
export const wordXmlText = (xml: string): string => {
  const shown = xml
    .replace(/<mc:Fallback(?:\s[^>]*)?>[\s\S]*?<\/mc:Fallback>/g, '')
    .replace(/<w:moveFrom(?:\s[^>]*)?>[\s\S]*?<\/w:moveFrom>/g, '')
    .replace(/<w:(footnote|endnote)\s[^>]*w:type="(?:separator|continuationSeparator|continuationNotice)"[^>]*>[\s\S]*?<\/w:\1>/g, '');
  let text = '';
  for (const m of shown.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>|<w:(tab|br|cr|noBreakHyphen)(?:\s[^>]*)?\/>|<\/w:p>/g)) {
    if (m[1] !== undefined) text += decodeXml(m[1]);
    else text += m[0] === '</w:p>' ? '\n' : m[2] === 'noBreakHyphen' ? '-' : ' ';
  }
  return text;
};

const relationshipTargets = (rels: string | undefined, type: string): string[] =>
  [...(rels ?? '').matchAll(/<Relationship\b[^>]*>/g)]
    .map((m) => m[0])
    .filter((tag) => new RegExp(`Type="[^"]*/${type}"`).test(tag))
    .map((tag) => /Target="([^"]*)"/.exec(tag)?.[1] ?? '')
    .filter(Boolean);

const resolvePart = (base: string, target: string): string => {
  if (target.startsWith('/')) return target.slice(1);
  const parts = base.split('/').slice(0, -1);
  for (const piece of target.split('/')) {
    if (piece === '..') parts.pop();
    else if (piece !== '.') parts.push(piece);
  }
  return parts.join('/');
};

/** The body's, footnotes' and endnotes' text runs of a .docx, found through its relationships, straight from the XML. */
export const docxXmlText = (bytes: Uint8Array): string => {
  const files = unzipSync(bytes, { filter: (f) => f.name.endsWith('.xml') || f.name.endsWith('.rels') });
  const read = (name: string): string | undefined => (files[name] ? strFromU8(files[name]) : undefined);
  const main = resolvePart('', relationshipTargets(read('_rels/.rels'), 'officeDocument')[0] ?? 'word/document.xml');
  const xml = read(main);
  if (xml === undefined) throw new Error('no main document part');
  const rels = read(`${main.split('/').slice(0, -1).join('/')}/_rels/${main.split('/').pop()}.rels`);
  const notes = ['footnotes', 'endnotes'].flatMap((type) => relationshipTargets(rels, type).map((t) => read(resolvePart(main, t)) ?? ''));
  return [xml, ...notes].map(wordXmlText).join('\n');
};

interface Mammoth { extractRawText(input: { buffer: Buffer }): Promise<{ value: string }> }
let mammoth: Mammoth | null | undefined;

/** mammoth, if it is installed (it is not a dependency of Parley). */
export const loadMammoth = async (): Promise<Mammoth | null> => {
  if (mammoth !== undefined) return mammoth;
  const name = 'mammoth';
  mammoth = await import(name).then((m: { default?: Mammoth } & Partial<Mammoth>) => (m.extractRawText ? m as Mammoth : m.default ?? null), () => null);
  return mammoth;
};

/** The reference text of a Word file, and which reader gave it. */
export const docxReferenceText = async (bytes: Uint8Array): Promise<{ text: string; reader: string }> => {
  const m = await loadMammoth();
  if (m) return { text: (await m.extractRawText({ buffer: Buffer.from(bytes) })).value, reader: 'mammoth extractRawText' };
  return { text: docxXmlText(bytes), reader: 'w:t runs of body, footnotes and endnotes' };
};

/** The reference text of a web page: the expected text beside it, or Readability's reading on a linkedom DOM. */
export const htmlReferenceText = (html: string, expectedHtml?: string): string =>
  expectedHtml !== undefined ? textOfHtml(expectedHtml) : new Readability(domOf(html).document).parse()?.textContent ?? '';
