/**
 * Helpers that run inside the test pages, typed for the DOM. The e2e test
 * builds this file with esbuild and adds it before the page's own scripts
 * (DevTools-injected, so the page's CSP does not apply to it); the test calls
 * `__probe.<name>(…)` through `page.evaluate`.
 */

const widgetRoot = (): ShadowRoot => {
  const root = document.querySelector('parley-widget')?.shadowRoot;
  if (!root) throw new Error('no widget on the page');
  return root;
};

/** Window properties before any page script ran. */
const initialGlobals = new Set(Object.getOwnPropertyNames(window));
const seen: string[] = [];

const probe = {
  /** What has keyboard focus: `tag:label` inside the widget, or `outside`. */
  focused(): string {
    const host = document.querySelector('parley-widget');
    const inner = host?.shadowRoot?.activeElement;
    if (document.activeElement !== host || !inner) return 'outside';
    return `${inner.tagName.toLowerCase()}:${inner.getAttribute('aria-label') ?? inner.textContent?.trim() ?? ''}`;
  },

  /** Records every distinct text of the latest answer from now on. */
  watchAnswers(): void {
    const root = widgetRoot();
    new MutationObserver(() => {
      const text = [...root.querySelectorAll('.bot .b')].at(-1)?.textContent ?? '';
      if (seen.at(-1) !== text) seen.push(text);
    }).observe(root.querySelector('.log')!, { subtree: true, childList: true, characterData: true });
  },
  seenAnswers: (): string[] => seen,

  /** Everything in the widget that could run, load or navigate. */
  scan() {
    const root = widgetRoot();
    const all = [...root.querySelectorAll('*')];
    return {
      tags: [...new Set(all.map((e) => e.tagName.toLowerCase()))],
      links: [...root.querySelectorAll('a')].map((a) => ({ href: a.getAttribute('href'), rel: a.rel, target: a.target })),
      attributes: [...new Set(all.flatMap((e) => [...e.attributes].map((a) => a.name)))],
      images: document.images.length + root.querySelectorAll('img').length,
    };
  },

  /** Resolves once the widget's animations (the panel opening) are over. */
  async settled(): Promise<void> {
    await Promise.all(widgetRoot().getAnimations().map((a) => a.finished));
  },

  /** Boxes and computed styles of the widget's parts, once its opening animation is over. */
  async looks(selectors: string[], properties: string[]) {
    await probe.settled();
    const root = widgetRoot();
    return Object.fromEntries(selectors.map((selector) => {
      const el = root.querySelector(selector);
      if (!el) return [selector, null];
      const style = getComputedStyle(el);
      const box = el.getBoundingClientRect();
      return [selector, { box: [box.x, box.y, box.width, box.height].map(Math.round), ...Object.fromEntries(properties.map((p) => [p, style.getPropertyValue(p)])) }];
    }));
  },

  /** Milliseconds to the widget's `parley:ready` mark from the script's request, from its run, and from navigation. */
  timings() {
    const script = performance.getEntriesByType('resource').find((e) => e.name.endsWith('/widget.js'));
    const start = performance.getEntriesByName('parley:start')[0];
    const ready = performance.getEntriesByName('parley:ready')[0];
    if (!script || !start || !ready) throw new Error('widget timings missing');
    return { fromRequest: ready.startTime - script.startTime, fromRun: ready.startTime - start.startTime, fromNavigation: ready.startTime };
  },

  /** How far the end of the conversation is below what the log shows, in pixels (0: the visitor sees the end). */
  logGap(): number {
    const log = widgetRoot().querySelector('.log')!;
    return Math.round(log.scrollHeight - log.scrollTop - log.clientHeight);
  },

  stored: (key: string): unknown => JSON.parse(sessionStorage.getItem(key) ?? 'null'),

  /** Globals that page scripts added. */
  newGlobals: (): string[] => Object.getOwnPropertyNames(window).filter((name) => !initialGlobals.has(name) && name !== '__probe'),
};

Object.defineProperty(window, '__probe', { value: probe });
