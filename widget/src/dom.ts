/**
 * Building DOM nodes: the only way anything reaches the page. Strings become
 * text nodes; there is no path from a string to markup, and no `style`.
 */

export type Child = Node | string | null | undefined | false;

/** The children that are there: conditional ones (`cond && node`) drop out. */
export const present = (children: Child[]): Array<Node | string> => children.filter((c): c is Node | string => !!c);
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

/** An element with attributes (`on…` keys are listeners, `false`/`null` ones are left out) and children. */
export const h = <K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs | null, ...children: Child[]): HTMLElementTagNameMap[K] => {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (value === true) el.setAttribute(key, '');
    else if (value !== false && value != null) el.setAttribute(key, String(value));
  }
  el.append(...present(children));
  return el;
};

const PATHS = {
  chat: 'M21 11.5a8.4 8.4 0 0 1-9 8.4 9 9 0 0 1-4-1L3 20l1.2-4.4A8 8 0 0 1 3 11.5 8.5 8.5 0 0 1 12 3a8.4 8.4 0 0 1 9 8.5z',
  close: 'M18 6 6 18M6 6l12 12',
  down: 'm6 9 6 6 6-6',
  send: 'M12 19V5m-7 7 7-7 7 7',
  stop: 'M7 7h10v10H7z',
  reset: 'M3 12a9 9 0 1 0 3-6.7L3 8m0-5v5h5',
  up: 'M7 10v11M15 5.9 14 10h5.8a2 2 0 0 1 2 2.6l-2.4 8a2 2 0 0 1-1.9 1.4H4a2 2 0 0 1-2-2v-8a2 2 0 0 1 2-2h2.8a2 2 0 0 0 1.7-1.1L12 2a3.1 3.1 0 0 1 3 3.9z',
  person: 'M20 21a8 8 0 0 0-16 0M12 13a5 5 0 1 0 0-10 5 5 0 0 0 0 10z',
} as const;

export type IconName = keyof typeof PATHS;

/** A decorative line icon (hidden from assistive technology: its button carries the label). */
export const icon = (name: IconName, cls = ''): SVGSVGElement => {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', `i ${cls}`);
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', PATHS[name]);
  svg.append(path);
  return svg;
};

/** An icon-only button with an accessible name. */
export const iconButton = (name: IconName, label: string, onclick: EventListener, cls = 'ib'): HTMLButtonElement =>
  h('button', { type: 'button', class: cls, 'aria-label': label, title: label, onclick }, icon(name));
