// The widget's Markdown subset (a pure tree; the DOM side is exercised in the e2e test),
// its stream parser and its theme checks.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { citedNumbers, parseInline, parseMarkdown, safeHref, speakable, type Block, type Inline } from '../../widget/src/markdown.ts';
import { createSseParser, type SseRecord } from '../../widget/src/sse.ts';
import { accentColor, contrast, textOnAccent, themeRule } from '../../widget/src/theme.ts';
import { expectLinearTime, LINEAR_TIME_TEST_TIMEOUT_MS } from './fixtures/linear-time.ts';

const text = (v: string): Inline => ({ t: 'text', v });

/** Every link target in a tree. */
const hrefs = (nodes: readonly Inline[]): string[] =>
  nodes.flatMap((n) => (n.t === 'link' ? [n.href, ...hrefs(n.c)] : n.t === 'strong' || n.t === 'em' ? hrefs(n.c) : []));
const blockHrefs = (blocks: readonly Block[]): string[] =>
  blocks.flatMap((b) => ('c' in b ? hrefs(b.c) : 'items' in b ? b.items.flatMap((item) => hrefs(item)) : []));

/** The text a reader sees, tags dropped. */
const plain = (nodes: readonly Inline[]): string =>
  nodes.map((n) => (n.t === 'text' || n.t === 'code' ? n.v : n.t === 'cite' ? `[${n.n}]` : plain(n.c))).join('');

describe('the widget’s Markdown subset', () => {
  it('parses paragraphs, headings, lists and fenced code', () => {
    expect(parseMarkdown('# Returns\n\nFirst line\nsecond line\n\n- one\n- two\n  continued\n\n3. three\n4. four\n\n```\ncode <b>\n```')).toEqual([
      { t: 'h', c: [text('Returns')] },
      { t: 'p', c: [text('First line\nsecond line')] },
      { t: 'ul', start: 1, items: [[text('one')], [text('two continued')]] },
      { t: 'ol', start: 3, items: [[text('three')], [text('four')]] },
      { t: 'pre', v: 'code <b>' },
    ]);
  });

  it('parses bold, italics, inline code, links and citation marks', () => {
    expect(parseInline('**30 days** and *free* `code` [shop](https://shop.example/a_(b)) [1] [2, 3] snake_case_name')).toEqual([
      { t: 'strong', c: [text('30 days')] },
      text(' and '),
      { t: 'em', c: [text('free')] },
      text(' '),
      { t: 'code', v: 'code' },
      text(' '),
      { t: 'link', href: 'https://shop.example/a_(b)', c: [text('shop')] },
      text(' '),
      { t: 'cite', n: 1 },
      text(' '),
      { t: 'cite', n: 2 },
      { t: 'cite', n: 3 },
      text(' snake_case_name'),
    ]);
  });

  it('links bare http(s) URLs, leaving out trailing punctuation', () => {
    expect(parseInline('See https://shop.example/returns. Or (https://shop.example/faq).')).toEqual([
      text('See '),
      { t: 'link', href: 'https://shop.example/returns', c: [text('https://shop.example/returns')] },
      text('. Or ('),
      { t: 'link', href: 'https://shop.example/faq', c: [text('https://shop.example/faq')] },
      text(').'),
    ]);
  });

  it('keeps only http(s) link targets: other schemes become their label', () => {
    expect(parseInline('[a](javascript:alert(1)) [b](data:text/html,x) [c](//evil.example) [d](mailto:x@y.z) [e](JAVASCRIPT:alert(1))')).toEqual([
      text('a'), text(' '), text('b'), text(' '), text('c'), text(' '), text('d'), text(' '), text('e'),
    ]);
    expect(safeHref('javascript:alert(1)')).toBeNull();
    expect(safeHref('https://a.example/x y')).toBe('https://a.example/x%20y');
    expect(safeHref(' https://a.example')).toBeNull();
  });

  it('shows image syntax as the text it is, so an answer never loads anything', () => {
    expect(parseInline('![pixel](https://evil.example/p.png?c=secret) after')).toEqual([text('![pixel](https://evil.example/p.png?c=secret) after')]);
  });

  it('leaves HTML as text: it is never markup', () => {
    expect(parseMarkdown('<img src=x onerror=alert(1)> <script>alert(2)</script>')).toEqual([
      { t: 'p', c: [text('<img src=x onerror=alert(1)> <script>alert(2)</script>')] },
    ]);
  });

  it('leaves unfinished syntax literal while an answer streams, and parses it once it closes', () => {
    expect(parseInline('within **30 da')).toEqual([text('within **30 da')]);
    expect(parseInline('within **30 days**')).toEqual([text('within '), { t: 'strong', c: [text('30 days')] }]);
    expect(parseMarkdown('```\nconst x = 1')).toEqual([{ t: 'pre', v: 'const x = 1' }]);
  });

  it('never produces a link that is not http(s), whatever the input', () => {
    const piece = fc.constantFrom('[', ']', '(', ')', '!', '*', '_', '`', '\\', ' ', '\n', 'javascript:', 'https://a.example/', 'data:', 'x', '1', '#', '- ', '<', '>');
    fc.assert(fc.property(fc.array(piece, { maxLength: 60 }).map((parts) => parts.join('')), (src) => {
      for (const href of blockHrefs(parseMarkdown(src))) expect(href).toMatch(/^https?:\/\//);
    }), { numRuns: 2000 });
  });

  it('keeps every character a reader should see, in order', () => {
    fc.assert(fc.property(fc.string({ maxLength: 80 }).filter((s) => !/[*_`[\]\\!<>(){}#\n\r-]/.test(s)), (src) => {
      expect(plain(parseInline(src))).toBe(src);
    }));
  });

  it('stays linear on hostile input: long runs of unclosed syntax', async () => {
    const runs = (n: number) => ['*a ', '[', '![', '_a ', '`', '**', '[x](', 'https://', '\\'].map((run) => run.repeat(n));
    await expectLinearTime('runs of unclosed syntax', runs, (sources) => sources.map((src) => parseMarkdown(src)), 500);
  }, LINEAR_TIME_TEST_TIMEOUT_MS);

  it('lists what an answer cites, and turns it into plain words for a screen reader', () => {
    expect(citedNumbers('A [2]. B [1, 2]. C [3](https://x.example)')).toEqual([2, 1]);
    expect(speakable('**Bold** [site](https://x.example) `code` [1]\n\n- item')).toBe('Bold site code - item');
  });
});

describe('the widget’s event-stream parser', () => {
  it('yields whole records, however the chunks fall', () => {
    const stream = 'event: sources\ndata: {"n":1}\n\nevent: delta\ndata: {"text":"a\\nb"}\r\n\r\nevent: done\ndata: {}\n\n';
    for (const size of [1, 2, 7, stream.length]) {
      const records: SseRecord[] = [];
      const push = createSseParser((r) => records.push(r));
      for (let i = 0; i < stream.length; i += size) push(stream.slice(i, i + size));
      expect(records).toEqual([
        { event: 'sources', data: '{"n":1}' },
        { event: 'delta', data: '{"text":"a\\nb"}' },
        { event: 'done', data: '{}' },
      ]);
    }
  });

  it('skips the comments the server sends while the model thinks', () => {
    const records: SseRecord[] = [];
    const push = createSseParser((r) => records.push(r));
    for (const chunk of ['event: sources\ndata: {}\n\n: keep-', 'alive\n\n: keep-alive\n\n', 'event: error\n: in a record\ndata: {"code":"x"}\n\n']) push(chunk);
    expect(records).toEqual([{ event: 'sources', data: '{}' }, { event: 'error', data: '{"code":"x"}' }]);
  });
});

describe('the widget’s theme', () => {
  it('writes only a checked #rrggbb colour into its stylesheet', () => {
    expect(accentColor('#0F766E')).toBe('#0f766e');
    for (const bad of ['red', '#fff', 'url(x)', '#0f766e;}*{display:none', '', null, 42]) expect(accentColor(bad)).toBe('#2563eb');
    expect(themeRule('#123456;}body{x:y')).toBe('.w{--a:#2563eb;--on:#ffffff}');
  });

  it('picks the text colour that reads best on the accent (WCAG AA)', () => {
    for (const color of ['#2563eb', '#0f766e', '#facc15', '#ffffff', '#000000', '#7c3aed', '#22c55e', '#f97316']) {
      expect(contrast(color, textOnAccent(color)), color).toBeGreaterThanOrEqual(4.5);
    }
    expect(textOnAccent('#facc15')).toBe('#111827');
  });
});
