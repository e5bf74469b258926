/**
 * Markup shared by the HTML and DOCX parsers: a linear-time scanner over
 * htmlparser2's tokenizer with its own element stack (htmlparser2's Parser is
 * quadratic on deeply nested or mismatched tags), and the assembly of pieces into
 * a ParsedDocument whose blocks are exact slices of its text.
 */
import { Tokenizer } from 'htmlparser2';
import type { Block, ParsedDocument } from '../../core/records.ts';

/** A piece of a document before offsets are known. `level` (1–6) only for headings. */
export interface Piece {
  readonly kind: Block['kind'];
  readonly text: string;
  readonly level?: number;
}

/** Title from a file name, as the text parser does: no extension, separators as spaces. */
export const titleFromName = (name: string): string =>
  name.replace(/\.[^.]+$/, '').replace(/[_-]+/g, ' ').trim() || name;

/**
 * Lays pieces out one after another, separated by a blank line, so that each
 * block is an exact slice of the text. Heading paths follow the text parser:
 * a heading of level n replaces everything from level n down, skipped levels
 * leave no empty entries, and a heading block's path ends with itself.
 */
export const assembleDocument = (pieces: readonly Piece[], title: string): ParsedDocument => {
  const parts: string[] = [];
  const blocks: Block[] = [];
  const headings: string[] = [];
  let offset = 0;
  for (const piece of pieces) {
    if (!piece.text) continue;
    if (parts.length) {
      parts.push('\n\n');
      offset += 2;
    }
    if (piece.kind === 'heading') {
      const level = Math.min(Math.max(piece.level ?? 1, 1), 6);
      headings.splice(level - 1);
      while (headings.length < level - 1) headings.push('');
      headings.push(piece.text);
    }
    parts.push(piece.text);
    blocks.push({
      kind: piece.kind,
      text: piece.text,
      start: offset,
      end: offset + piece.text.length,
      headings: headings.filter(Boolean),
    });
    offset += piece.text.length;
  }
  return { title, text: parts.join(''), blocks };
};

// ---------------------------------------------------------------------------
// Shared: markup scanning

/** What `scanMarkup` reports: every opened element is closed exactly once, innermost first. */
export interface MarkupHandler {
  open(name: string, attributes: ReadonlyMap<string, string>): void;
  close(name: string): void;
  text(value: string): void;
}

export const VOID_ELEMENTS = new Set([
  'area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'keygen', 'link', 'meta', 'param', 'source', 'track', 'wbr',
]);

const CLOSES_P = new Set(['p']);
const HEADING_OR_P = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'p']);
const DD_DT = new Set(['dd', 'dt']);

/** Elements whose start closes an open element of these names (the common cases of HTML's optional end tags). */
const IMPLIED_CLOSE = new Map<string, ReadonlySet<string>>([
  ['tr', new Set(['tr', 'th', 'td'])],
  ['th', new Set(['th', 'td'])],
  ['td', new Set(['th', 'td'])],
  ['li', new Set(['li'])],
  ['option', new Set(['option'])],
  ['dd', DD_DT],
  ['dt', DD_DT],
  ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((h): [string, ReadonlySet<string>] => [h, HEADING_OR_P]),
  ...[
    'address', 'article', 'aside', 'blockquote', 'details', 'div', 'dl', 'fieldset', 'figcaption', 'figure', 'footer',
    'form', 'header', 'hgroup', 'hr', 'main', 'menu', 'nav', 'ol', 'p', 'pre', 'section', 'table', 'ul',
  ].map((tag): [string, ReadonlySet<string>] => [tag, CLOSES_P]),
]);

const fromCodePoint = (cp: number): string => (cp >= 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : '\uFFFD');

/**
 * Reports the elements and text of HTML (`html`: lower-cased names, void
 * elements, implied end tags) or XML (`xml`: names as written, `<x/>` closes).
 *
 * htmlparser2's `Parser` keeps its open-element stack with `unshift`, which is
 * quadratic on deeply nested markup (a 5 MB page of nested divs takes minutes),
 * so this drives its tokenizer directly and keeps a stack whose every operation
 * is amortised O(1): an end tag that matches no open element is dropped after one
 * map look-up, and each element is pushed and popped once.
 */
export const scanMarkup = (source: string, mode: 'html' | 'xml', handler: MarkupHandler): void => {
  const html = mode === 'html';
  const nameOf = (start: number, end: number) => (html ? source.slice(start, end).toLowerCase() : source.slice(start, end));
  const stack: string[] = [];
  const openCount = new Map<string, number>();
  let tagName = '';
  let attributes = new Map<string, string>();
  let attributeName = '';
  let attributeValue = '';

  const pop = () => {
    const name = stack.pop()!;
    openCount.set(name, (openCount.get(name) ?? 1) - 1);
    handler.close(name);
  };
  const startElement = (selfClosing: boolean) => {
    const name = tagName;
    if (html) {
      const closes = IMPLIED_CLOSE.get(name);
      while (closes && stack.length && closes.has(stack[stack.length - 1]!)) pop();
    }
    handler.open(name, attributes);
    if (html ? VOID_ELEMENTS.has(name) : selfClosing) {
      handler.close(name);
    } else {
      stack.push(name);
      openCount.set(name, (openCount.get(name) ?? 0) + 1);
    }
  };
  const endElement = (name: string) => {
    if (html && VOID_ELEMENTS.has(name)) {
      if (name === 'br') {
        handler.open('br', new Map());
        handler.close('br');
      }
      return;
    }
    if (openCount.get(name)) {
      while (stack.length) {
        const top = stack[stack.length - 1];
        pop();
        if (top === name) return;
      }
    } else if (html && name === 'p') {
      // `</p>` without a `<p>` is an empty paragraph in HTML.
      handler.open('p', new Map());
      handler.close('p');
    }
  };

  const ignore = () => {};
  const tokenizer = new Tokenizer(
    { xmlMode: !html, decodeEntities: true },
    {
      onopentagname(start, end) {
        tagName = nameOf(start, end);
        attributes = new Map();
      },
      onattribname(start, end) {
        attributeName = nameOf(start, end);
        attributeValue = '';
      },
      onattribdata(start, end) {
        attributeValue += source.slice(start, end);
      },
      onattribentity(cp) {
        attributeValue += fromCodePoint(cp);
      },
      onattribend() {
        if (!attributes.has(attributeName)) attributes.set(attributeName, attributeValue);
      },
      onopentagend() {
        startElement(false);
      },
      onselfclosingtag() {
        startElement(true);
      },
      onclosetag(start, end) {
        endElement(nameOf(start, end));
      },
      ontext(start, end) {
        handler.text(source.slice(start, end));
      },
      ontextentity(cp) {
        handler.text(fromCodePoint(cp));
      },
      oncdata(start, end, endOffset) {
        if (!html) handler.text(source.slice(start, end - endOffset));
      },
      oncomment: ignore,
      ondeclaration: ignore,
      onprocessinginstruction: ignore,
      onend() {
        while (stack.length) pop();
      },
    },
  );
  tokenizer.write(source);
  tokenizer.end();
};
