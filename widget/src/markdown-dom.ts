/** DOM nodes for a parsed answer (see `markdown.ts`): elements and text nodes only, never markup. */
import { h } from './dom.ts';
import { parseMarkdown, type Block, type Inline } from './markdown.ts';

/** The number a citation shows (see `citations.ts`); undefined drops it. */
export type CiteNumber = (n: number) => number | undefined;

const inline = (nodes: readonly Inline[], cite: CiteNumber): Array<Node | string> => {
  const out: Array<Node | string> = [];
  let lastCite: number | undefined;
  for (const node of nodes) {
    if (node.t === 'cite') {
      // `[1, 2]` naming one place twice shows its number once; a citation of no listed source shows nothing.
      const shown = cite(node.n);
      if (shown !== undefined && shown !== lastCite) out.push(h('sup', { class: 'cite' }, String(shown)));
      lastCite = shown ?? lastCite;
      continue;
    }
    lastCite = undefined;
    switch (node.t) {
      case 'text': out.push(node.v); break;
      case 'code': out.push(h('code', null, node.v)); break;
      case 'strong': out.push(h('strong', null, ...inline(node.c, cite))); break;
      case 'em': out.push(h('em', null, ...inline(node.c, cite))); break;
      // Opens apart from the host page, telling the target nothing about it.
      case 'link': out.push(h('a', { href: node.href, target: '_blank', rel: 'noopener noreferrer' }, ...inline(node.c, cite))); break;
    }
  }
  return out;
};

const block = (b: Block, cite: CiteNumber): HTMLElement => {
  switch (b.t) {
    case 'p': return h('p', null, ...inline(b.c, cite));
    case 'h': return h('p', { class: 'hd3' }, h('strong', null, ...inline(b.c, cite)));
    case 'pre': return h('pre', null, h('code', null, b.v));
    case 'ul': return h('ul', null, ...b.items.map((item) => h('li', null, ...inline(item, cite))));
    case 'ol': return h('ol', b.start === 1 ? null : { start: b.start }, ...b.items.map((item) => h('li', null, ...inline(item, cite))));
  }
};

/** The answer's Markdown as nodes, ready for `replaceChildren`; `cite` gives each citation the number the visitor sees. */
export const renderMarkdown = (text: string, cite: CiteNumber = (n) => n): HTMLElement[] => parseMarkdown(text).map((b) => block(b, cite));
