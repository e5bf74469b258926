/**
 * The article in a page, found by Mozilla's Readability (the reader view of
 * Firefox) on a linkedom DOM: it scores blocks by text and link density and
 * leaves out teasers, galleries, share bars, comment threads and navigation
 * inside `<main>` and `<article>` as well as on pages without landmarks.
 *
 * Used only where it is sound and cheap: on pages Readability itself judges
 * article-like (`isProbablyReaderable`), of bounded size and nesting, because
 * linkedom's parser (htmlparser2's) slows down quadratically on deep nesting.
 * Elements hidden by their attributes, classes or ids are removed first:
 * Readability keeps text that only styles hide, and drops styles and classes
 * from its output.
 */
import { loadOnce } from '../../shared/load-once.ts';
import type { HiddenByClass } from './hidden-classes.ts';
import { isHiddenElement } from './hidden-style.ts';

/** Longest page given to Readability; longer ones are read by the landmark extractor alone. */
export const MAX_READABLE_HTML_CHARS = 3_000_000;
/** Deepest nesting given to Readability. */
export const MAX_READABLE_DEPTH = 256;
/** Most elements Readability scores; past this it gives up and the landmark extractor reads the page. */
export const MAX_READABLE_ELEMENTS = 60_000;

// Loaded with the first web page, not at cold start (about 500 KB): most ingest work is PDFs, Word files and text.
const loadReader = loadOnce(async () => {
  const [readability, { parseHTML }] = await Promise.all([import('@mozilla/readability'), import('linkedom')]);
  // Readability is CommonJS: its `default` (module.exports) is there both unbundled and bundled into
  // a chunk of its own, where the named exports are not.
  const { Readability, isProbablyReaderable } = readability.default;
  // Checked here, outside the page's try: a reader that did not load must fail loudly, not read every page by landmarks.
  if (typeof Readability !== 'function' || typeof isProbablyReaderable !== 'function' || typeof parseHTML !== 'function') {
    throw new Error('The article reader (Readability, linkedom) did not load.');
  }
  return { Readability, isProbablyReaderable, parseHTML };
});

/** The little of linkedom's DOM used here (the project compiles without the DOM library's types). */
interface DomElement { readonly tagName: string; getAttribute(name: string): string | null; remove(): void }
interface DomDocument { querySelectorAll(selector: string): Iterable<DomElement> }

export interface MainContent {
  /** The article's HTML, cleaned by Readability. */
  readonly html: string;
  readonly title?: string;
}

/**
 * The page's main content, or undefined when the page is not article-like,
 * too large or too deep, or Readability finds nothing. `depth` is the page's
 * deepest element nesting, measured by the caller's linear scan; `hiddenByClass`
 * says which elements the page's classes and ids hide.
 */
export const findMainContent = async (html: string, depth: number, hiddenByClass?: HiddenByClass): Promise<MainContent | undefined> => {
  if (html.length > MAX_READABLE_HTML_CHARS || depth > MAX_READABLE_DEPTH) return undefined;
  const { Readability, isProbablyReaderable, parseHTML } = await loadReader();
  try {
    const { document } = parseHTML(html) as unknown as { document: DomDocument };
    for (const element of [...document.querySelectorAll(hiddenByClass ? '[style], [hidden], [aria-hidden], [class], [id]' : '[style], [hidden], [aria-hidden]')]) {
      const get = (name: string) => element.getAttribute(name);
      if (isHiddenElement(get) || hiddenByClass?.(get, element.tagName.toLowerCase())) element.remove();
    }
    // Readability's types name the DOM library's Document, which this project does not compile against.
    const dom = document as never;
    if (!isProbablyReaderable(dom)) return undefined;
    const article = new Readability(dom, { maxElemsToParse: MAX_READABLE_ELEMENTS }).parse();
    if (!article?.content || !article.textContent?.trim()) return undefined;
    return { html: article.content, ...(article.title ? { title: article.title } : {}) };
  } catch {
    // Too many elements, or markup the DOM cannot take: the landmark extractor reads the page.
    return undefined;
  }
};
