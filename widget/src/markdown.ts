/**
 * The Markdown subset answers are written in, parsed into a small tree:
 * paragraphs, headings, lists, fenced code, bold, italics, inline code, links
 * and citation marks (`[1]`). Pure (no DOM), so it is unit-tested in Node;
 * `markdown-dom.ts` builds nodes from the tree.
 *
 * Untrusted input by design: nothing here ever becomes HTML. Link targets are
 * kept only when they are http(s); image syntax stays literal text, so no
 * answer can make the page load anything. Text that is still streaming may
 * end mid-syntax: an unclosed `**` simply stays literal until it closes.
 */

export type Inline =
  | { readonly t: 'text'; readonly v: string }
  | { readonly t: 'strong' | 'em'; readonly c: Inline[] }
  | { readonly t: 'code'; readonly v: string }
  | { readonly t: 'link'; readonly href: string; readonly c: Inline[] }
  | { readonly t: 'cite'; readonly n: number };

export type Block =
  | { readonly t: 'p' | 'h'; readonly c: Inline[] }
  | { readonly t: 'ul' | 'ol'; readonly start: number; readonly items: Inline[][] }
  | { readonly t: 'pre'; readonly v: string };

/** Nesting deeper than this (`***_**x**_***`…) is shown as text. */
const MAX_DEPTH = 4;

/** The href to use for `url`, or null unless it is an absolute http(s) URL. */
export const safeHref = (url: string): string | null => {
  if (!/^https?:\/\//i.test(url)) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
  } catch {
    return null;
  }
};

// Sticky (`y`): matched at a position, without copying the rest of the text. Bounded
// repeats keep a run of unclosed brackets from costing quadratic time.
const LINK = /\[([^\]\n]{1,500})\]\(([^()\s]*(?:\([^()\s]*\)[^()\s]*)*)(?:\s+"[^"\n]*")?\)/y;
const IMAGE = /!\[[^\]\n]{0,500}\]\([^)\n]{0,2000}\)/y;
const CITE = /\[(\d{1,2}(?:\s*,\s*\d{1,2})*)\](?!\()/y;
const BARE_URL = /https?:\/\/[^\s<>"'`]+/iy;

const matchAt = (re: RegExp, src: string, at: number): RegExpExecArray | null => {
  re.lastIndex = at;
  return re.exec(src);
};
const WORD = /[\p{L}\p{N}]/u;

/** Parses inline syntax. */
export const parseInline = (src: string, depth = 0): Inline[] => {
  const out: Inline[] = [];
  let text = '';
  const push = (node: Inline) => {
    if (text) out.push({ t: 'text', v: text });
    text = '';
    out.push(node);
  };
  // Delimiters known to have no closer further on: each is searched for once, so unmatched runs stay linear.
  const unclosed = new Set<string>();
  const closer = (delim: string, from: number): number => {
    if (unclosed.has(delim)) return -1;
    for (let at = src.indexOf(delim, from); at !== -1; at = src.indexOf(delim, at + 1)) {
      // A closer follows text, and a single `*` is not half of a `**`.
      if (/\s/.test(src[at - 1] ?? ' ')) continue;
      if (delim.length === 1 && (src[at + 1] === delim || src[at - 1] === delim)) continue;
      if (delim === '_' && WORD.test(src[at + 1] ?? '')) continue;
      return at;
    }
    unclosed.add(delim);
    return -1;
  };

  let i = 0;
  while (i < src.length) {
    const ch = src[i]!;
    if (ch === '\\' && i + 1 < src.length && /[\\`*_[\]()#!>-]/.test(src[i + 1]!)) {
      text += src[i + 1];
      i += 2;
      continue;
    }
    if (ch === '`') {
      const end = src.indexOf('`', i + 1);
      if (end > i + 1) {
        push({ t: 'code', v: src.slice(i + 1, end) });
        i = end + 1;
        continue;
      }
    }
    if ((ch === '*' || ch === '_') && depth < MAX_DEPTH) {
      const delim = src[i + 1] === ch ? ch + ch : ch;
      const opensWord = !/\s/.test(src[i + delim.length] ?? ' ') && !(ch === '_' && WORD.test(src[i - 1] ?? ''));
      const end = opensWord ? closer(delim, i + delim.length + 1) : -1;
      if (end !== -1) {
        push({ t: delim.length === 2 ? 'strong' : 'em', c: parseInline(src.slice(i + delim.length, end), depth + 1) });
        i = end + delim.length;
        continue;
      }
    }
    if (ch === '!' && src[i + 1] === '[') {
      // Image syntax is shown as the text it is: an answer never loads anything.
      const image = matchAt(IMAGE, src, i);
      if (image) {
        text += image[0];
        i += image[0].length;
        continue;
      }
    }
    if (ch === '[') {
      const cite = matchAt(CITE, src, i);
      if (cite) {
        for (const n of cite[1]!.split(',')) push({ t: 'cite', n: Number(n) });
        i += cite[0].length;
        continue;
      }
      const link = matchAt(LINK, src, i);
      if (link) {
        const label = depth < MAX_DEPTH ? parseInline(link[1]!, depth + 1) : [{ t: 'text', v: link[1]! } as const];
        const href = safeHref(link[2]!);
        if (href) push({ t: 'link', href, c: label });
        else for (const node of label) push(node);
        i += link[0].length;
        continue;
      }
    }
    if ((ch === 'h' || ch === 'H') && !/[\p{L}\p{N}/]/u.test(src[i - 1] ?? '')) {
      const bare = matchAt(BARE_URL, src, i);
      if (bare) {
        let url = bare[0].replace(/[.,;:!?'"]+$/, '');
        // A closing bracket belongs to the URL only if it opened one inside it (Wikipedia-style).
        while (/[)\]]$/.test(url) && (url.match(/[([]/g)?.length ?? 0) < (url.match(/[)\]]/g)?.length ?? 0)) url = url.slice(0, -1);
        const href = safeHref(url);
        if (href) {
          push({ t: 'link', href, c: [{ t: 'text', v: url }] });
          i += url.length;
          continue;
        }
      }
    }
    text += ch;
    i += 1;
  }
  if (text) out.push({ t: 'text', v: text });
  return out;
};

const FENCE = /^\s{0,3}(`{3,}|~{3,})/;
const HEADING = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/;
const ITEM = /^\s*(?:([-*+•])|(\d{1,9})[.)])\s+(.*)$/;
const RULE = /^\s{0,3}([-*_])(\s*\1){2,}\s*$/;
const QUOTE = /^\s{0,3}>\s?/;

/** Parses a whole (possibly partial) answer into blocks. */
export const parseMarkdown = (src: string): Block[] => {
  const blocks: Block[] = [];
  const lines = src.replace(/\r\n?/g, '\n').split('\n');
  let para: string[] = [];
  // Typed by assertion: TypeScript cannot see the closures below reset it.
  let list = null as { t: 'ul' | 'ol'; start: number; items: string[] } | null;
  let gap = false;

  const flushPara = () => {
    if (para.length) blocks.push({ t: 'p', c: parseInline(para.join('\n')) });
    para = [];
  };
  const flushList = () => {
    if (list) blocks.push({ t: list.t, start: list.start, items: list.items.map((item) => parseInline(item)) });
    list = null;
  };

  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    const fence = FENCE.exec(line);
    if (fence) {
      flushPara();
      flushList();
      const code: string[] = [];
      // An unclosed fence runs to the end: the answer is still streaming it.
      while (++n < lines.length && !lines[n]!.trimStart().startsWith(fence[1]!)) code.push(lines[n]!);
      blocks.push({ t: 'pre', v: code.join('\n') });
      continue;
    }
    if (!line.trim()) {
      flushPara();
      gap = true;
      continue;
    }
    const item = ITEM.exec(line);
    if (item && !RULE.test(line)) {
      flushPara();
      const kind = item[2] ? 'ol' : 'ul';
      if (list?.t !== kind) {
        flushList();
        list = { t: kind, start: item[2] ? Number(item[2]) : 1, items: [] };
      }
      list.items.push(item[3]!);
      gap = false;
      continue;
    }
    if (list && !gap && /^\s/.test(line)) {
      // A lazy continuation of the last item.
      list.items[list.items.length - 1] += ` ${line.trim()}`;
      continue;
    }
    flushList();
    gap = false;
    if (RULE.test(line)) {
      flushPara();
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      flushPara();
      blocks.push({ t: 'h', c: parseInline(heading[1]!) });
      continue;
    }
    para.push(line.replace(QUOTE, '').trim());
  }
  flushPara();
  flushList();
  return blocks;
};

/** The numbers an answer cites (`[1]`, `[1, 3]`), in the order first cited. */
export const citedNumbers = (src: string): number[] => {
  const seen = new Set<number>();
  for (const m of src.matchAll(/\[(\d{1,2}(?:\s*,\s*\d{1,2})*)\](?!\()/g)) for (const n of m[1]!.split(',')) seen.add(Number(n));
  return [...seen];
};

/** Plain words for a screen reader: the syntax dropped, link labels kept. */
export const speakable = (src: string): string =>
  src.replace(/!?\[([^\]\n]*)\]\([^)\n]*\)/g, '$1').replace(/\[\d{1,2}(?:\s*,\s*\d{1,2})*\]/g, '').replace(/[*_`#>~]+/g, '').replace(/\s+/g, ' ').trim();
