/** DOM nodes for a parsed answer (see `markdown.ts`): elements and text nodes only, never markup. */
import { h } from './dom.ts';
import { parseMarkdown, type Block, type Inline } from './markdown.ts';

const inline = (nodes: readonly Inline[]): Array<Node | string> =>
  nodes.map((node) => {
    switch (node.t) {
      case 'text': return node.v;
      case 'code': return h('code', null, node.v);
      case 'strong': return h('strong', null, ...inline(node.c));
      case 'em': return h('em', null, ...inline(node.c));
      case 'cite': return h('sup', { class: 'cite' }, String(node.n));
      // Opens apart from the host page, telling the target nothing about it.
      case 'link': return h('a', { href: node.href, target: '_blank', rel: 'noopener noreferrer' }, ...inline(node.c));
    }
  });

const block = (b: Block): HTMLElement => {
  switch (b.t) {
    case 'p': return h('p', null, ...inline(b.c));
    case 'h': return h('p', { class: 'hd3' }, h('strong', null, ...inline(b.c)));
    case 'pre': return h('pre', null, h('code', null, b.v));
    case 'ul': return h('ul', null, ...b.items.map((item) => h('li', null, ...inline(item))));
    case 'ol': return h('ol', b.start === 1 ? null : { start: b.start }, ...b.items.map((item) => h('li', null, ...inline(item))));
  }
};

/** The answer's Markdown as nodes, ready for `replaceChildren`. */
export const renderMarkdown = (text: string): HTMLElement[] => parseMarkdown(text).map(block);
