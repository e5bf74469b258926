import { describe, expect, it } from 'vitest';
import type { ParsedDocument } from '../../lambdas/core/records.ts';
import { parseHtml } from '../../lambdas/adapters/parsers/html-parser.ts';
import { expectOffsets } from './fixtures/offsets.ts';
import { expectLinearTime, LINEAR_TIME_TEST_TIMEOUT_MS } from './fixtures/linear-time.ts';


const parse = async (html: string, name = 'page.html') => {
  const doc = await parseHtml(html, name);
  expectOffsets(doc);
  return doc;
};

const texts = (doc: ParsedDocument) => doc.blocks.map((b) => b.text);

describe('HTML parsing', () => {
  it('keeps the page text and drops scripts, styles, navigation, banners, forms and hidden parts', async () => {
    const doc = (await parse(`<!doctype html><html><head><title>Opening hours</title>
      <style>p { color: red }</style><script>var secret = "<p>not text</p>";</script></head>
      <body><header><a href="/">Logo</a><nav><a href="/a">Menu item</a></nav></header>
      <noscript>Enable JavaScript</noscript><template><p>template text</p></template>
      <div class="content"><h1>Opening hours</h1><p>We open at nine.</p>
      <p hidden>Hidden attribute</p><div aria-hidden="true">ARIA hidden</div><p style="color:red; display: none">Display none</p>
      <form action="/search"><label>Search</label><input name="q"><button>Go</button></form>
      <svg><text>svg text</text><title>svg title</title></svg><iframe srcdoc="<p>frame</p>">iframe fallback</iframe>
      <aside>Related posts</aside><div role="navigation">Breadcrumbs</div></div>
      <footer>© Example Ltd</footer></body></html>`));
    expect(texts(doc)).toEqual(['Opening hours', 'We open at nine.']);
    expect(doc.title).toBe('Opening hours');
  });

  it('prefers <main>, then <article>, over the rest of the page', async () => {
    const withMain = await parse('<body><div>Cookie banner text</div><main><h2>Prices</h2><p>Ten euros.</p></main><div>Sidebar</div></body>');
    expect(texts(withMain)).toEqual(['Prices', 'Ten euros.']);
    const withRole = await parse('<body><p>Chrome</p><div role="main"><p>Body text.</p></div></body>');
    expect(texts(withRole)).toEqual(['Body text.']);
    const withArticles = await parse('<body><p>Chrome</p><article><h2>One</h2><p>First.</p></article><p>Between</p><article><p>Second.</p></article></body>');
    expect(texts(withArticles)).toEqual(['One', 'First.', 'Second.']);
    const emptyMain = await parse('<body><main id="app"></main><p>Server-rendered fallback.</p></body>');
    expect(texts(emptyMain)).toEqual(['Server-rendered fallback.']);
  });

  it("keeps an article's own header, which holds its title", async () => {
    const doc = await parse('<header>Site banner</header><article><header><h1>Refund policy</h1><p>Updated May</p></header><p>Refunds take 5 days.</p><footer>Share this</footer></article>');
    expect(texts(doc)).toEqual(['Refund policy', 'Updated May', 'Refunds take 5 days.']);
  });

  it('keeps a form that wraps the whole page (ASP.NET style), but not a search form', async () => {
    const doc = await parse('<body><form id="form1"><form role="search"><input name="q"><label>Find</label></form><h1>About us</h1><p>We are a bakery.</p><input type="hidden" value="x"></form></body>');
    expect(texts(doc)).toEqual(['About us', 'We are a bakery.']);
  });

  it('builds heading paths like the text parser and types code as code', async () => {
    const doc = (await parse(`<main><h1>Guide</h1><p>Intro</p><h3>Deep</h3><p>a</p><h2>Install</h2>
      <pre>
npm install
  --save   flags
</pre><blockquote><p>Quoted words</p></blockquote><dl><dt>Term</dt><dd>Definition</dd></dl></main>`));
    expect(doc.blocks.map((b) => [b.kind, b.text, b.headings.join(' › ')])).toEqual([
      ['heading', 'Guide', 'Guide'],
      ['paragraph', 'Intro', 'Guide'],
      ['heading', 'Deep', 'Guide › Deep'],
      ['paragraph', 'a', 'Guide › Deep'],
      ['heading', 'Install', 'Guide › Install'],
      ['code', 'npm install\n  --save   flags', 'Guide › Install'],
      ['paragraph', 'Quoted words', 'Guide › Install'],
      ['paragraph', 'Term', 'Guide › Install'],
      ['paragraph', 'Definition', 'Guide › Install'],
    ]);
  });

  it('writes list items as paragraphs and table rows as one line each', async () => {
    const doc = (await parse(`<ul><li>One<li>Two <ul><li>Two-a</li></ul></li></ul>
      <table><caption>Plans</caption><thead><tr><th>Plan<th>Price</thead>
      <tbody><tr><td>Basic</td><td><p>€9</p><p>per month</p></td></tr><tr><td>Free<td><td>note</tr></tbody></table>`));
    expect(texts(doc)).toEqual(['One', 'Two', 'Two-a', 'Plans', 'Plan | Price', 'Basic | €9 per month', 'Free |  | note']);
  });

  it('reads a layout table as flowing text rather than one giant row', async () => {
    const doc = await parse('<table><tr><td><h1>Welcome</h1><p>First paragraph.</p><p>Second paragraph.</p></td><td>Side</td></tr></table>');
    expect(texts(doc)).toEqual(['Welcome', 'First paragraph.', 'Second paragraph.', 'Side']);
  });

  it('decodes entities and collapses whitespace outside <pre>', async () => {
    const doc = await parse('<p>Fish &amp; chips &lt;3 &eacute;t&eacute; &#8212; &#x1F600; caf&eacute;&nbsp;au&nbsp;lait\n\n   end</p><p>A<br>B<br/>  <br>C</p>');
    expect(texts(doc)).toEqual(['Fish & chips <3 été — 😀 café au lait end', 'A\nB\nC']);
  });

  it('titles the page from <title>, then its first h1, then its file name', async () => {
    expect((await parse('<title> Prices &amp; plans </title><h1>Other</h1>')).title).toBe('Prices & plans');
    expect((await parse('<h2>Sub</h2><h1>Main heading</h1>')).title).toBe('Main heading');
    expect((await parse('<p>text</p>', 'price_list-2025.html')).title).toBe('price list 2025');
  });

  it('yields only text from hostile markup', async () => {
    const doc = (await parse(`<p>Hello<img src=x onerror="alert(1)"> <a href="javascript:alert(2)">click</a>
      <svg onload="alert(3)"></svg><object data="x.swf">flash</object><!-- <p>comment</p> --><![CDATA[ cdata ]]>
      <math><mi>x</mi></math><p onclick="alert(4)">Para</p><script>document.write('<p>injected</p>')</script>
      <p>1 &lt; 2 &amp;&amp; &lt;script&gt;</p><style>@import "evil.css"</style></p></div></span></p>Tail`));
    expect(doc.text).not.toMatch(/alert|onerror|javascript|injected|comment|flash|evil/);
    // Escaped markup is text and stays text: nothing here is ever rendered as HTML.
    expect(texts(doc)).toEqual(['Hello click', 'Para', '1 < 2 && <script>', 'Tail']);
  });

  const nested = (n: number) => `<title>Big</title>${'<div>'.repeat(n)}<p>Deep text</p>${'</div>'.repeat(n)}`;
  const unbalanced = (n: number) => `${'<div><span>'.repeat(n)}<p>Still here</p>${'</b>'.repeat(n)}`;
  const script = (n: number) => `<p>Before</p><script>${'var a = "<div>x</div>";\n'.repeat(n)}</script><p>After</p>`;
  it.each([
    ['deeply nested divs', nested, ['Deep text']],
    ['unbalanced tags', unbalanced, ['Still here']],
    ['a huge script', script, ['Before', 'After']],
  ] as const)('stays linear on %s', async (label, html, expected) => {
    const doc = await expectLinearTime(label, html, (text) => parseHtml(text, 'page.html'), 1_500);
    expectOffsets(doc);
    expect(texts(doc)).toEqual(expected);
  }, LINEAR_TIME_TEST_TIMEOUT_MS);
});
