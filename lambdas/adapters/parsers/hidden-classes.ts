/**
 * Text hidden by class or id rather than by inline style: the utility classes
 * of common frameworks (`hidden`, `sr-only`, `d-none`…) and the page's own
 * `<style>` rules that hide (`.promo { display: none }`). Like inline-hidden
 * text, it is never indexed: it is where injected instructions hide.
 *
 * Only what is safe to judge without a browser counts. A rule inside `@media`
 * or another at-rule hides only sometimes and is ignored; so is a selector with
 * combinators, attributes or pseudo-classes. A class or id that any rule shows
 * again (`.tab.active { display: block }`, even inside `@media`) is a toggle,
 * not hiding, and neither is a utility class beside a responsive one that shows
 * the element at some width (`hidden md:block`, `d-none d-lg-block`).
 */
import { isHiddenByStyle } from './hidden-style.ts';

/** Classes that hide wherever the frameworks that define them are used (Tailwind, Bootstrap, WordPress, Drupal). */
const HIDING_CLASSES = new Set(['hidden', 'invisible', 'sr-only', 'visually-hidden', 'screen-reader-text', 'd-none', 'hide', 'element-invisible']);
/** Classes that show an element again at some width or state. */
const RESHOWING_CLASS = /^(?:(?:[\w-]+:)+(?:block|inline|inline-block|flex|inline-flex|grid|inline-grid|table|contents|flow-root|list-item|visible|not-sr-only)|d-(?:sm|md|lg|xl|xxl)-(?!none$)[\w-]+|visible-[\w-]+|show)$/;

/** Declarations that make an element visible: any display but none, visible, or some opacity. */
const SHOWS = /(?:^|[;{\s])(?:display\s*:\s*(?!none\b)[a-z-]+|visibility\s*:\s*visible\b|opacity\s*:\s*(?!0*\.?0+\s*(?:;|!|$))[\d.])/i;

/** CSS read from one page at most, and hiding selectors kept: bounds the work on hostile pages. */
const MAX_CSS_CHARS = 512 * 1024;
const MAX_SELECTORS = 1_000;

interface SimpleSelector { readonly tag?: string; readonly id?: string; readonly classes: readonly string[] }

/** `#id`, `.class` and their compounds, with a tag or not; anything else is not judged. */
const SIMPLE = /^([a-z][a-z0-9-]*)?((?:[#.][\w-]+)+)?$/i;
const parseSimple = (selector: string): SimpleSelector | undefined => {
  const m = SIMPLE.exec(selector.trim());
  // A tag alone (`html { visibility: hidden }` until a script shows the page) is a reset or an anti-flicker trick, not hiding.
  if (!m?.[2]) return undefined;
  const parts = m[2]?.match(/[#.][\w-]+/g) ?? [];
  const ids = parts.filter((p) => p[0] === '#').map((p) => p.slice(1));
  if (ids.length > 1) return undefined;
  return { ...(m[1] ? { tag: m[1].toLowerCase() } : {}), ...(ids[0] ? { id: ids[0] } : {}), classes: parts.filter((p) => p[0] === '.').map((p) => p.slice(1)) };
};

interface Rule { readonly selectors: string; readonly declarations: string; readonly conditional: boolean }

/** The style rules of a stylesheet, with whether each sits inside an at-rule (`@media`, `@supports`…). */
const rulesOf = (css: string): Rule[] => {
  const rules: Rule[] = [];
  const text = css.replace(/\/\*[\s\S]*?\*\//g, '');
  // Each open brace's prelude, and whether it is an at-rule.
  const stack: Array<{ prelude: string; at: boolean }> = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '{') {
      const prelude = text.slice(start, i).trim();
      stack.push({ prelude, at: prelude.startsWith('@') });
      start = i + 1;
    } else if (c === '}') {
      const open = stack.pop();
      if (open && !open.at) rules.push({ selectors: open.prelude, declarations: text.slice(start, i), conditional: stack.some((s) => s.at) });
      start = i + 1;
    } else if (c === ';' && stack.every((s) => s.at)) {
      // A statement at-rule (`@import …;`) or stray text: not a prelude.
      start = i + 1;
    }
  }
  return rules;
};

const STYLE_BLOCK = /<style\b([^>]*)>([\s\S]*?)<\/style\s*>/gi;
/** Style blocks for print or other media do not hide on screen. */
const SCREEN_MEDIA = /\bmedia\s*=\s*["']?\s*(?!all\b|screen\b)[a-z(]/i;

/** Whether an element's class or id hides it; `get` reads one attribute. */
export type HiddenByClass = (get: (name: string) => string | null | undefined, tag: string) => boolean;

/** The page's class and id hiding, read from its `<style>` blocks and the common frameworks' classes. */
export const hidingRulesOf = (html: string): HiddenByClass => {
  let css = '';
  for (const m of html.matchAll(STYLE_BLOCK)) {
    if (SCREEN_MEDIA.test(m[1] ?? '')) continue;
    css += `${m[2]}\n`;
    if (css.length > MAX_CSS_CHARS) break;
  }
  const hiders: SimpleSelector[] = [];
  const reshown = new Set<string>();
  for (const rule of rulesOf(css.slice(0, MAX_CSS_CHARS))) {
    if (SHOWS.test(rule.declarations)) {
      for (const name of rule.selectors.match(/[#.][\w-]+/g) ?? []) reshown.add(name);
    } else if (!rule.conditional && isHiddenByStyle(rule.declarations.trim())) {
      for (const selector of rule.selectors.split(',')) {
        const simple = parseSimple(selector);
        if (simple && hiders.length < MAX_SELECTORS) hiders.push(simple);
      }
    }
  }
  const toggles = (s: SimpleSelector) => (s.id !== undefined && reshown.has(`#${s.id}`)) || s.classes.some((c) => reshown.has(`.${c}`));
  // Each selector under one thing an element must have (its id, else its first class), so an element looks up only its own.
  const index = new Map<string, SimpleSelector[]>();
  for (const s of hiders.filter((h) => !toggles(h))) {
    const key = s.id !== undefined ? `#${s.id}` : `.${s.classes[0]!}`;
    index.set(key, [...(index.get(key) ?? []), s]);
  }

  return (get, tag) => {
    // The page itself is never hidden: a class on <html> or <body> that hides is undone by the page's scripts.
    if (tag === 'html' || tag === 'body') return false;
    const classes = (get('class') ?? '').split(/\s+/).filter(Boolean);
    const id = get('id') ?? undefined;
    if (classes.some((c) => HIDING_CLASSES.has(c) && !reshown.has(`.${c}`)) && !classes.some((c) => RESHOWING_CLASS.test(c))) return true;
    if (index.size === 0) return false;
    const present = new Set(classes);
    const candidates = [...(id !== undefined ? [`#${id}`] : []), ...classes.map((c) => `.${c}`)].flatMap((key) => index.get(key) ?? []);
    return candidates.some((s) => (s.tag === undefined || s.tag === tag) && (s.id === undefined || s.id === id) && s.classes.every((c) => present.has(c)));
  };
};
