/**
 * Building DOM nodes: the only way anything reaches the page. Strings become
 * text nodes; API data (document names, answers, visitor messages) never
 * becomes markup.
 */

export type Child = Node | string | number | null | undefined | false;
type AttrValue = string | number | boolean | null | undefined;
type Attrs = Record<string, AttrValue | EventListener>;

/** An element with attributes (`on…` keys are listeners; `false`/`null` ones are left out) and children. */
export const h = <K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs | null, ...children: Child[]): HTMLElementTagNameMap[K] => {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (value === true) el.setAttribute(key, '');
    else if (value !== false && value != null) el.setAttribute(key, String(value));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(typeof c === 'number' ? String(c) : c);
  return el;
};

const SVG = 'http://www.w3.org/2000/svg';

/** An SVG element with attributes. */
export const s = (tag: string, attrs: Record<string, string | number> = {}, ...children: Array<Node | string>): SVGElement => {
  const el: SVGElement = document.createElementNS(SVG, tag as 'svg');
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  el.append(...children);
  return el;
};

const PATHS = {
  bot: 'M12 8V4H8M4 12a8 8 0 0 1 8-4h0a8 8 0 0 1 8 4v4a4 4 0 0 1-4 4H8a4 4 0 0 1-4-4zM9 13v1M15 13v1',
  key: 'M15.5 7.5 19 4m2-2-2 2 3 3-3.5 3.5-3-3M11.4 12.6a5.5 5.5 0 1 1-7.8 7.8 5.5 5.5 0 0 1 7.8-7.8z',
  chart: 'M3 3v18h18M8 17V11M13 17V7M18 17v-4',
  file: 'M14 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8zM14 2v6h6',
  upload: 'M12 15V3m-5 5 5-5 5 5M4 15v4a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-4',
  chat: 'M21 11.5a8.4 8.4 0 0 1-9 8.4 9 9 0 0 1-4-1L3 20l1.2-4.4A8 8 0 0 1 3 11.5 8.5 8.5 0 0 1 12 3a8.4 8.4 0 0 1 9 8.5z',
  plus: 'M12 5v14M5 12h14',
  trash: 'M3 6h18M8 6V4h8v2M19 6l-1 14H6L5 6',
  refresh: 'M3 12a9 9 0 0 1 15-6.7L21 8M21 3v5h-5M21 12a9 9 0 0 1-15 6.7L3 16M3 21v-5h5',
  copy: 'M9 9h11v11H9zM5 15H4V4h11v1',
  out: 'M9 21H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h4M16 17l5-5-5-5M21 12H9',
  shield: 'M12 22s8-4 8-10V5l-8-3-8 3v7c0 6 8 10 8 10z',
  back: 'M15 18l-6-6 6-6',
  globe: 'M12 22a10 10 0 1 0 0-20 10 10 0 0 0 0 20zM2 12h20M12 2a15 15 0 0 1 0 20M12 2a15 15 0 0 0 0 20',
  download: 'M12 3v12m-5-5 5 5 5-5M4 21h16',
  user: 'M20 21a8 8 0 0 0-16 0M12 13a5 5 0 1 0 0-10 5 5 0 0 0 0 10z',
  warn: 'M12 9v4M12 17h.01M10.3 3.9 1.8 18a2 2 0 0 0 1.7 3h17a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0z',
} as const;

export type IconName = keyof typeof PATHS;

/** A decorative line icon: hidden from assistive technology, the text beside it carries the meaning. */
export const icon = (name: IconName): SVGElement => s('svg', { viewBox: '0 0 24 24', 'aria-hidden': 'true', class: 'i', focusable: 'false' }, s('path', { d: PATHS[name] }));

/** Replaces an element's children. */
export const mount = (el: Element, ...children: Child[]): void => {
  el.replaceChildren();
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(typeof c === 'number' ? String(c) : c);
};

let ids = 0;
/** A unique id for label/description pairs. */
export const uid = (prefix: string): string => `${prefix}-${++ids}`;
