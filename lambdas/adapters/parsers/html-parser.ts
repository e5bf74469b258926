/**
 * HTML into blocks: the page's main text only (no scripts, navigation, banners,
 * forms or hidden parts, by attribute, inline style, class or id), with headings, paragraphs, list items, table rows and
 * preformatted code. Scanning and assembly live in `markup.ts`, shared with DOCX.
 *
 * Which part of the page is its main text: on article-like pages, the article
 * Readability finds (`html-main-content.ts`), read by the same scanner; on
 * other pages, `<main>`, else `<article>`, else the whole page without its
 * navigation, banners and forms.
 */
import type { ParsedDocument } from '../../core/records.ts';
import { hidingRulesOf, type HiddenByClass } from './hidden-classes.ts';
import { isHiddenElement } from './hidden-style.ts';
import { findMainContent } from './html-main-content.ts';
import { assembleDocument, scanMarkup, titleFromName, VOID_ELEMENTS, type Piece } from './markup.ts';

/** Never part of a page's main text. (`form` is handled apart: see `parseHtml`.) */
const DROPPED = new Set([
  'script', 'style', 'noscript', 'template', 'svg', 'math', 'iframe', 'object', 'embed', 'canvas', 'audio', 'video',
  'nav', 'footer', 'aside', 'button', 'select', 'textarea', 'datalist', 'dialog',
]);
const DROPPED_ROLES = new Set(['navigation', 'banner', 'contentinfo', 'complementary', 'search']);

/** Elements that end the running paragraph where they open and where they close. */
const BLOCK_ELEMENTS = new Set([
  'address', 'article', 'aside', 'blockquote', 'body', 'caption', 'center', 'dd', 'details', 'div', 'dl', 'dt',
  'fieldset', 'figcaption', 'figure', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hgroup', 'hr',
  'html', 'legend', 'li', 'main', 'menu', 'nav', 'ol', 'p', 'pre', 'section', 'summary', 'table', 'tbody', 'td',
  'tfoot', 'th', 'thead', 'tr', 'ul',
]);

/** Inside a table row these mean the table is page layout, not data: the row stops being one line. */
const LAYOUT_SIGNS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'pre', 'main', 'article', 'section']);

/** Inside a form these mean the form wraps the page (ASP.NET WebForms does), so its text is kept. */
const PAGE_SIGNS = new Set(['h1', 'h2', 'main', 'article']);

const HEADING_LEVEL: Readonly<Record<string, number>> = { h1: 1, h2: 2, h3: 3, h4: 4, h5: 5, h6: 6 };

const isHidden = (attributes: ReadonlyMap<string, string>): boolean => isHiddenElement((name) => attributes.get(name));

/** HTML whitespace (and no-break spaces) collapse to one space. */
const collapse = (text: string): string => text.replace(/[\t\n\f\r \u00a0]+/g, ' ').trim();

interface Found extends Piece {
  /** Inside `<main>` (or role="main"); inside `<article>`. */
  readonly inMain: boolean;
  readonly inArticle: boolean;
}

interface Frame {
  readonly dropped: boolean;
  readonly main: boolean;
  readonly article: boolean;
  /** For a form: where its blocks start in `found`, and whether it wraps the page. */
  readonly form?: { readonly start: number; wrapsPage: boolean };
}

type Capture =
  | { readonly kind: 'heading'; readonly depth: number; readonly level: number }
  | { readonly kind: 'code'; readonly depth: number }
  | { readonly kind: 'row'; readonly depth: number; readonly cells: string[]; inCell: boolean };

/** What one linear scan of a page finds: its blocks, with where each sits, its title and its deepest nesting. */
interface ScannedPage { readonly found: readonly Found[]; readonly title?: string; readonly maxDepth: number }

const scanPage = (text: string, hiddenByClass: HiddenByClass): ScannedPage => {
  const found: Found[] = [];
  let maxDepth = 0;
  const frames: Frame[] = [];
  const forms: Array<NonNullable<Frame['form']>> = [];
  let dropped = 0;
  let mainDepth = 0;
  let articleDepth = 0;
  let capture: Capture | undefined;
  /** Text of the running paragraph, heading, code block or table cell; `lines` holds its finished lines. */
  let run: string[] = [];
  let lines: string[] = [];
  let title: string | undefined;
  let titleRun: string[] | undefined;

  const emit = (kind: Piece['kind'], value: string, level?: number) => {
    if (!value) return;
    found.push({ kind, text: value, ...(level ? { level } : {}), inMain: mainDepth > 0, inArticle: articleDepth > 0 });
  };
  const takeLines = (): string => {
    lines.push(collapse(run.join('')));
    const value = lines.filter(Boolean).join('\n');
    run = [];
    lines = [];
    return value;
  };
  const takeCode = (): string => {
    // A newline right after <pre> is not content, and neither are leading blank lines or trailing space.
    const value = run.join('').replace(/\r\n?/g, '\n').replace(/^(?:[ \t]*\n)+/, '').trimEnd();
    run = [];
    lines = [];
    return value;
  };
  const endParagraph = () => {
    if (run.length || lines.length) emit('paragraph', takeLines());
  };
  const endCell = (row: Extract<Capture, { kind: 'row' }>) => {
    if (row.inCell || run.length || lines.length) row.cells.push(takeLines().replace(/\n/g, ' '));
    row.inCell = false;
  };
  const endRow = (row: Extract<Capture, { kind: 'row' }>) => {
    endCell(row);
    if (row.cells.some(Boolean)) emit('paragraph', row.cells.join(' | '));
  };

  scanMarkup(text, 'html', {
    open(tag, attributes) {
      const isVoid = VOID_ELEMENTS.has(tag);
      const role = attributes.get('role')?.trim().toLowerCase();
      const drop =
        dropped > 0 ||
        DROPPED.has(tag) ||
        (tag === 'header' && mainDepth === 0 && articleDepth === 0) ||
        (role !== undefined && DROPPED_ROLES.has(role)) ||
        isHidden(attributes) ||
        hiddenByClass((name) => attributes.get(name), tag);
      if (drop) {
        if (!isVoid) {
          frames.push({ dropped: true, main: false, article: false });
          dropped++;
        }
        return;
      }
      const main = tag === 'main' || role === 'main';
      const article = tag === 'article';
      if (tag === 'br') {
        if (capture?.kind === 'code') run.push('\n');
        else if (capture?.kind === 'row') run.push(' ');
        else {
          lines.push(collapse(run.join('')));
          run = [];
        }
        return;
      }
      if (isVoid) return;
      if (PAGE_SIGNS.has(tag) && forms.length) forms[forms.length - 1]!.wrapsPage = true;
      if (capture?.kind === 'row' && LAYOUT_SIGNS.has(tag)) {
        // A table used for page layout: what the row held so far is one line, the rest flows as text.
        endRow(capture);
        capture = undefined;
      }
      if (!capture && BLOCK_ELEMENTS.has(tag)) endParagraph();
      const form = tag === 'form' ? { start: found.length, wrapsPage: false } : undefined;
      if (form) forms.push(form);
      frames.push({ dropped: false, main, article, ...(form ? { form } : {}) });
      maxDepth = Math.max(maxDepth, frames.length);
      if (main) mainDepth++;
      if (article) articleDepth++;
      if (tag === 'title') {
        titleRun = [];
        return;
      }
      if (capture) {
        if (capture.kind === 'row' && (tag === 'td' || tag === 'th')) {
          endCell(capture);
          capture.inCell = true;
        } else if (capture.kind !== 'code' && BLOCK_ELEMENTS.has(tag)) {
          run.push(' ');
        }
        return;
      }
      const depth = frames.length;
      const level = HEADING_LEVEL[tag];
      if (level) capture = { kind: 'heading', depth, level };
      else if (tag === 'pre') capture = { kind: 'code', depth };
      else if (tag === 'tr') capture = { kind: 'row', depth, cells: [], inCell: false };
    },
    close(tag) {
      if (VOID_ELEMENTS.has(tag)) return;
      const depth = frames.length;
      const frame = frames.pop();
      if (!frame) return;
      if (frame.dropped) {
        dropped--;
        return;
      }
      if (tag === 'title') {
        title ??= collapse((titleRun ?? []).join('')) || undefined;
        titleRun = undefined;
      } else if (capture?.depth === depth) {
        const done = capture;
        capture = undefined;
        if (done.kind === 'heading') emit('heading', collapse(takeLines()), done.level);
        else if (done.kind === 'code') emit('code', takeCode());
        else endRow(done);
      } else if (capture) {
        if (capture.kind !== 'code' && BLOCK_ELEMENTS.has(tag)) run.push(' ');
      } else if (BLOCK_ELEMENTS.has(tag)) {
        endParagraph();
      }
      if (frame.main) mainDepth--;
      if (frame.article) articleDepth--;
      if (frame.form) {
        forms.pop();
        // A form that is only a form (search, sign-up, contact) is not page text; one wrapping the page is.
        if (!frame.form.wrapsPage) found.length = frame.form.start;
        else if (forms.length) forms[forms.length - 1]!.wrapsPage = true;
      }
    },
    text(value) {
      if (dropped > 0) return;
      if (titleRun) titleRun.push(value);
      else run.push(value);
    },
  });
  endParagraph();
  return { found, maxDepth, ...(title ? { title } : {}) };
};

/** The blocks of `<main>` if the page has one, else of `<article>`, else all of them. */
const byLandmark = (found: readonly Found[]): readonly Found[] =>
  found.some((f) => f.inMain)
    ? found.filter((f) => f.inMain)
    : found.some((f) => f.inArticle)
      ? found.filter((f) => f.inArticle)
      : found;

const firstH1Of = (found: readonly Found[]): string | undefined => found.find((f) => f.kind === 'heading' && f.level === 1)?.text;

/**
 * Parses an HTML page into its main text: the article on article-like pages,
 * else what the page's landmarks mark as main (`<main>`, then `<article>`).
 * The landmark scan is linear in the size of the markup; the article search
 * runs only on pages of bounded size and depth.
 */
export const parseHtml = async (text: string, name: string): Promise<ParsedDocument> => {
  const hiddenByClass = hidingRulesOf(text);
  const page = scanPage(text, hiddenByClass);
  const main = await findMainContent(text, page.maxDepth, hiddenByClass);
  if (main) {
    // Hidden elements went before Readability read the page; the classes of its output are its own (`page`).
    const article = byLandmark(scanPage(main.html, () => false).found);
    if (article.length) return assembleDocument(article, page.title ?? main.title ?? firstH1Of(article) ?? titleFromName(name));
  }
  return fromLandmarks(page, name);
};

const fromLandmarks = (page: ScannedPage, name: string): ParsedDocument => {
  const chosen = byLandmark(page.found);
  return assembleDocument(chosen, page.title ?? firstH1Of(chosen) ?? titleFromName(name));
};

/** The landmark extractor alone, without the article search: what the benchmark compares with. */
export const parseHtmlByLandmarks = (text: string, name: string): ParsedDocument => fromLandmarks(scanPage(text, hidingRulesOf(text)), name);
