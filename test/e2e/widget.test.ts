// The widget in real Chromium, on host pages of another origin than the API and
// under a strict Content-Security-Policy, against the local platform with a fake
// model provider: what owners' visitors see and what they can do with a keyboard,
// and that nothing an answer says can run, load or leak anything.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildWidget } from '../../infra/widget-build.ts';
import { newOwner, uploadDocument, useFakeProvider, usePlatform, visitorToken, type Owner } from '../integration/fixtures/platform.ts';
import { FOREIGN_HOST, useChromium } from './fixtures/chromium.ts';
import { useHostPages } from './fixtures/host-pages.ts';

const FAQ = '# Returns\n\nYou can return any item within 30 days of delivery for a full refund.\n\n# Shipping\n\nWe ship to the EU and the UK in three to five working days.\n';
const RETURNS = 'How long do I have to return an item?';
const RESULTS = path.resolve(import.meta.dirname, '../../test-results');
const BENCH = path.resolve(import.meta.dirname, '../bench/results/widget.json');

/** Calls one of the page's probes (test/e2e/page/probes.ts), e.g. `focused()`. */
const probe = <T>(page: Page, call: string): Promise<T> => page.evaluate<T>(`__probe.${call}`);

const AXE_SOURCE = fs.readFile(path.resolve(import.meta.dirname, '../../node_modules/axe-core/axe.min.js'), 'utf8');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

/** axe-core's WCAG 2.2 AA and best-practice violations inside the widget, as `rule: target` lines. */
const axeViolations = async (page: Page): Promise<string[]> => {
  if (!(await page.evaluate<boolean>('typeof axe === "object"'))) await page.evaluate(await AXE_SOURCE);
  return page.evaluate<string[]>(`axe.run(document.querySelector('parley-widget'), { runOnly: { type: 'tag', values: ${JSON.stringify(AXE_TAGS)} } })
    .then((r) => r.violations.flatMap((v) => v.nodes.map((n) => v.id + ': ' + n.target.join(' ') + ' ' + n.failureSummary)))`);
};

describe('the widget on an owner’s page', () => {
  const fake = useFakeProvider();
  const platform = usePlatform({ env: () => ({ ...fake.env(), PARLEY_PLATFORM_OPENAI_KEY: 'sk-platform-widget-0000000000000000000' }) });
  const browser = useChromium();
  const host = useHostPages(() => platform().apiUrl);
  let owner: Owner;
  let probes = '';

  beforeAll(async () => {
    const bundled = await build({ entryPoints: [path.join(import.meta.dirname, 'page/probes.ts')], bundle: true, format: 'iife', write: false, logLevel: 'silent' });
    probes = bundled.outputFiles[0]!.text;
    owner = await newOwner(platform());
    const patch = {
      model: { provider: 'openai', model: 'gpt-4.1-mini' },
      welcomeMessage: 'Hi! I can help with **returns** and **shipping**.',
      suggestedQuestions: [RETURNS, 'Where do you ship?'],
      theme: { color: '#0f766e', position: 'right', mode: 'light', title: 'Acme Help' },
    };
    expect((await owner.request('PATCH', `/v1/bots/${owner.botId}`, patch)).status).toBe(200);
    expect((await uploadDocument(platform(), owner, 'returns-and-shipping.md', FAQ)).status).toBe('ready');
    // Built once before anything is timed.
    expect((await fetch(`${platform().apiUrl}/widget.js`)).status).toBe(200);
  });

  interface Visit {
    readonly context: BrowserContext;
    readonly page: Page;
    /** Every URL the page asked for. */
    readonly requests: string[];
    readonly dialogs: string[];
    /** CSP violations and console errors. */
    readonly problems: string[];
  }

  const visit = async (
    url: string,
    options: { viewport?: { width: number; height: number }; colorScheme?: 'light' | 'dark'; stored?: { key: string; value: unknown } } = {},
  ): Promise<Visit> => {
    const context = await browser().newContext({ viewport: options.viewport ?? { width: 1280, height: 800 }, colorScheme: options.colorScheme ?? 'light' });
    await context.addInitScript({ content: probes });
    if (options.stored) {
      // What an earlier page of the site left in session storage.
      const { key, value } = options.stored;
      await context.addInitScript(`sessionStorage.getItem(${JSON.stringify(key)}) ?? sessionStorage.setItem(${JSON.stringify(key)}, ${JSON.stringify(JSON.stringify(value))})`);
    }
    const page = await context.newPage();
    const requests: string[] = [];
    const dialogs: string[] = [];
    const problems: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(url);
    return { context, page, requests, dialogs, problems };
  };

  const bubble = (page: Page) => page.locator('parley-widget .bubble');
  const question = (page: Page) => page.getByRole('textbox', { name: 'Your question' });
  const lastAnswer = (page: Page) => page.locator('parley-widget .bot').last();
  const sendButton = (page: Page) => page.locator('parley-widget .send');
  const idle = (page: Page) => page.locator('parley-widget .send[aria-label="Send"]').waitFor();

  const ask = async (page: Page, text: string) => {
    await question(page).fill(text);
    await question(page).press('Enter');
  };

  const focused = (page: Page) => probe<string>(page, 'focused()');

  it('opens from the bubble, streams a cited answer with its sources, and takes feedback', async () => {
    // Long enough to stream past the output guard's hold-back of the last 64 characters.
    const reply = 'You can return any item within **30 days** of delivery for a full refund. [1] Start the return from your account page, print the label, and drop the parcel at any post office; the refund follows within five working days.';
    fake.provider().script({ kind: 'reply', text: reply, delayMs: 40 });
    const { context, page, problems } = await visit(host().url(owner.publicId));
    await bubble(page).click();
    expect(await focused(page)).toBe('textarea:Your question');
    await expect.poll(() => page.locator('parley-widget .bot .b').first().innerText()).toBe('Hi! I can help with returns and shipping.');
    await page.locator('parley-widget .chip', { hasText: RETURNS }).click();
    // The suggestion goes once asked; focus goes to the question box, not out of the panel.
    expect(await focused(page)).toBe('textarea:Your question');

    // Every distinct state of the answer's text, as the page saw it.
    await probe(page, 'watchAnswers()');
    await expect.poll(() => sendButton(page).getAttribute('aria-label')).toBe('Stop the answer');
    await idle(page);
    const seen = await probe<string[]>(page, 'seenAnswers()');
    expect(seen.filter((t) => t && !t.endsWith('five working days.')).length).toBeGreaterThanOrEqual(5);

    const answer = lastAnswer(page);
    expect(await answer.locator('.b').innerText()).toMatch(/^You can return any item within 30 days of delivery for a full refund\. ?1 ?Start the return .* within five working days\.$/);
    expect(await answer.locator('strong').innerText()).toBe('30 days');
    // A model's words are not labelled as a quotation.
    expect(await answer.locator('.quoted').count()).toBe(0);
    await answer.getByText('1 source').click();
    expect(await answer.locator('.src li').innerText()).toContain('returns-and-shipping.md · Returns');
    expect(await answer.locator('.src li').innerText()).toContain('within 30 days of delivery');
    expect(await page.locator('parley-widget [aria-live="polite"]').innerText()).toContain('You can return any item within 30 days of delivery for a full refund.');

    await answer.getByRole('button', { name: 'Helpful', exact: true }).click();
    await expect.poll(() => answer.getByRole('button', { name: 'Helpful', exact: true }).getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => page.locator('parley-widget [aria-live="polite"]').innerText()).toBe('Thanks for your feedback.');
    const conversations = await owner.request<{ items: Array<{ conversationId: string }> }>('GET', `/v1/bots/${owner.botId}/conversations`);
    const transcript = await owner.request<{ turns: Array<{ feedback?: { rating: string } }> }>(
      'GET', `/v1/bots/${owner.botId}/conversations/${conversations.body.items[0]!.conversationId}`,
    );
    expect(transcript.body.turns[0]?.feedback?.rating).toBe('up');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('numbers the sources under an answer 1, 2, 3 in the order the answer cites them, and the answer’s numbers match', async () => {
    // As the server sent them: five passages numbered by rank, two of them from one place; the answer cites three places.
    const earlier = {
      messages: [{ role: 'user', text: 'Returns, shipping, bikes for children?' }, {
        role: 'bot', state: 'done', answered: true,
        text: 'Shipping takes three to five days [4]. Returns are free [1][9], within 30 days [1, 5]. We sell bikes for children [3].',
        sources: [
          { n: 1, document: 'returns.md', section: 'Returns', quote: 'Returns are free within 30 days.' },
          { n: 2, document: 'care.md', section: 'Washing', quote: 'Wash at 30 degrees.' },
          { n: 3, document: 'Do you sell bikes for children?', section: 'Do you sell bikes for children?', quote: 'Yes, the Kids 20.' },
          { n: 4, document: 'shipping.md', section: 'Shipping', quote: 'Three to five days.' },
          { n: 5, document: 'returns.md', section: 'Returns', quote: 'Free returns for 30 days.' },
        ],
      }],
    };
    const { context, page } = await visit(host().url(owner.publicId), { stored: { key: `parley:${owner.publicId}`, value: earlier } });
    await bubble(page).click();
    const answer = lastAnswer(page);
    await answer.waitFor();
    expect(await answer.locator('sup.cite').allInnerTexts()).toEqual(['1', '2', '2', '3']);
    await answer.getByText('3 sources').click();
    expect(await answer.locator('.src li .n').allInnerTexts()).toEqual(['1', '2', '3']);
    const items = await answer.locator('.src li').allInnerTexts();
    expect(items[0]).toContain('shipping.md · Shipping');
    expect(items[1]).toContain('returns.md · Returns');
    // A Q&A source named for its question is named once, not again as its section.
    expect(items[2]).toContain('Do you sell bikes for children?');
    expect(items[2]).not.toContain(' · ');
    await context.close();
  });

  it('says when an answer is a quotation of the documents, and offers a person with no source when nothing answers', async () => {
    // No model: Parley's own answerer quotes the documents.
    const local = await newOwner(platform());
    expect((await uploadDocument(platform(), local, 'returns-and-shipping.md', FAQ)).status).toBe('ready');
    await fs.mkdir(RESULTS, { recursive: true });
    const { context, page, problems } = await visit(host().url(local.publicId, { css: 'site' }));
    await bubble(page).click();
    await ask(page, RETURNS);
    await idle(page);
    const quoted = lastAnswer(page);
    expect(await quoted.locator('.b').innerText()).toMatch(/^You can return any item within 30 days of delivery for a full refund\. ?1$/);
    expect(await quoted.locator('.note.quoted').innerText()).toBe('Quoted word for word from this site’s documents.');
    expect(await quoted.getByText('1 source').count()).toBe(1);

    await ask(page, 'Do you sell gift cards?');
    await idle(page);
    const declined = lastAnswer(page);
    expect(await declined.locator('.b').innerText()).toMatch(/^I couldn't find/);
    expect(await declined.locator('.src').count()).toBe(0);
    expect(await declined.locator('.quoted').count()).toBe(0);
    expect(await declined.getByRole('button', { name: 'Talk to a person' }).count()).toBe(1);
    await probe(page, 'settled()');
    await page.screenshot({ path: path.join(RESULTS, 'widget-quoted-and-not-found.png') });
    expect(await axeViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows a hostile answer harmless: markup and foreign links stripped by the server, the rest rendered inert, nothing loaded', async () => {
    const hostile = [
      'Here you go <img src=x onerror="alert(1)"> and <script>alert(2)</script>',
      '[click me](javascript:alert(3)) and [data](data:text/html,<script>alert(4)</script>) and [safe](https://example.com/ok)',
      '![tracker](https://evil.example/x.png?q=secret) <iframe src="https://evil.example/"></iframe>',
      '<a href="javascript:alert(5)">html link</a> <svg onload=alert(6)>',
      ...Array.from({ length: 150 }, (_, i) => `**${i}** *x* \`y\` [z](https://evil.example/${i}) ![i](https://evil.example/i${i}.png)`),
    ].join('\n\n');
    fake.provider().script({ kind: 'reply', text: hostile });
    const { context, page, requests, dialogs, problems } = await visit(host().url(owner.publicId));
    await bubble(page).click();
    const started = Date.now();
    await ask(page, RETURNS);
    await idle(page);
    const renderMs = Date.now() - started;

    const answer = lastAnswer(page);
    const text = await answer.locator('.b').innerText();
    // The server removed the markup and every address the bot's documents do not contain.
    expect(text).not.toContain('<img');
    expect(text).not.toContain('evil.example');
    expect(text).toContain('tracker (image removed)');
    expect(text).toContain('html link');
    const scan = await probe<{ tags: string[]; links: Array<{ href: string; rel: string; target: string }>; attributes: string[]; images: number }>(page, 'scan()');
    for (const tag of ['img', 'script', 'iframe', 'object', 'embed', 'style']) expect(scan.tags).not.toContain(tag);
    expect(await answer.locator('.b svg').count()).toBe(0);
    expect(scan.images).toBe(0);
    expect(scan.attributes.filter((name) => name.startsWith('on') || name === 'style')).toEqual([]);
    expect(scan.links).toEqual([]);
    expect(await answer.getByText('click me').count()).toBe(1);
    expect(await answer.locator('a', { hasText: 'click me' }).count()).toBe(0);
    expect(requests.filter((u) => !u.startsWith(platform().apiUrl) && !u.startsWith(host().origin))).toEqual([]);
    expect(dialogs).toEqual([]);
    expect(problems).toEqual([]);
    // A long answer, re-rendered each frame as it streams, stays quick.
    expect(renderMs).toBeLessThan(10_000);
    await context.close();
  });

  it('stops streaming when the visitor presses stop, and the provider call is cancelled', async () => {
    fake.provider().reset();
    fake.provider().script({ kind: 'reply', text: Array.from({ length: 80 }, (_, i) => `word${i}`).join(' '), delayMs: 60 });
    const { context, page } = await visit(host().url(owner.publicId));
    await bubble(page).click();
    await ask(page, RETURNS);
    await expect.poll(() => lastAnswer(page).locator('.b').innerText(), { timeout: 10_000 }).toContain('word2');
    await sendButton(page).click();
    await idle(page);
    expect(await lastAnswer(page).locator('.note').innerText()).toBe('Stopped.');
    const said = await lastAnswer(page).locator('.b').innerText();
    expect(said).not.toContain('word79');
    const request = fake.provider().requests.find((r) => r.endpoint === 'openai.chat');
    expect(await fake.provider().settled(request!)).toBe('disconnected');
    // Nothing more arrives after the stop.
    await page.waitForTimeout(500);
    expect(await lastAnswer(page).locator('.b').innerText()).toBe(said);
    await context.close();
  });

  it('follows an answer to its end when a burst adds more than a screen, and after the chat is closed and reopened mid-answer', async () => {
    const steps = (n: number) => Array.from({ length: n }, (_, i) => `Step ${i + 1}: keep the label.`).join('\n\n');
    const gap = (page: Page) => probe<number>(page, 'logGap()');
    fake.provider().script({ kind: 'reply', text: steps(24) });
    fake.provider().script({ kind: 'reply', text: steps(24), delayMs: 40 });
    fake.provider().script({ kind: 'reply', text: steps(24), delayMs: 20 });
    const { context, page } = await visit(host().url(owner.publicId));
    await bubble(page).click();
    // All at once: one frame adds far more than the 80 px the log once allowed.
    await ask(page, RETURNS);
    await idle(page);
    expect(await lastAnswer(page).locator('.b').innerText()).toContain('Step 24');
    expect(await gap(page)).toBeLessThan(2);

    // Closed while the answer streams, reopened: it is followed to the end.
    await ask(page, RETURNS);
    await expect.poll(() => lastAnswer(page).locator('.b').innerText(), { timeout: 10_000 }).toContain('Step 3');
    await page.keyboard.press('Escape');
    expect(await page.locator('parley-widget .panel').isHidden()).toBe(true);
    // Closed long enough for several paragraphs to arrive unseen.
    await page.waitForTimeout(1500);
    await bubble(page).click();
    await expect.poll(() => gap(page)).toBeLessThan(2);
    await idle(page);
    expect(await lastAnswer(page).locator('.b').innerText()).toContain('Step 24');
    expect(await gap(page)).toBeLessThan(2);
    await probe(page, 'settled()');
    await fs.mkdir(RESULTS, { recursive: true });
    await page.screenshot({ path: path.join(RESULTS, 'widget-follow-reopened.png') });

    // A visitor who scrolls up to read is left there.
    await ask(page, RETURNS);
    await expect.poll(() => lastAnswer(page).locator('.b').innerText(), { timeout: 10_000 }).toContain('Step 2');
    const box = (await page.locator('parley-widget .log').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, -600);
    await idle(page);
    expect(await gap(page)).toBeGreaterThan(300);
    await context.close();
  });

  it('works with the keyboard alone: open, ask, stay inside the panel, close with Escape back to the bubble', async () => {
    fake.provider().script({ kind: 'reply', text: 'Returns are free within 30 days. [1]' });
    const { context, page } = await visit(host().url(owner.publicId));
    await bubble(page).waitFor();
    // The page's own links come first, then the bubble.
    for (let i = 0; i < 3; i++) await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('button:Open chat with Acme Help');
    await page.keyboard.press('Enter');
    expect(await focused(page)).toBe('textarea:Your question');
    await page.keyboard.type(RETURNS);
    await page.keyboard.press('Enter');
    await idle(page);
    expect(await lastAnswer(page).locator('.b').innerText()).toContain('Returns are free within 30 days.');

    const stops = new Set<string>();
    for (let i = 0; i < 14; i++) {
      await page.keyboard.press('Tab');
      stops.add(await focused(page));
    }
    expect(stops).not.toContain('outside');
    expect(stops).toContain('button:Close chat');
    expect(stops).toContain('button:Helpful');
    for (let i = 0; i < 14; i++) {
      await page.keyboard.press('Shift+Tab');
      expect(await focused(page)).not.toBe('outside');
    }
    // The sources open from the keyboard too, and rating the answer keeps both focus and the open sources.
    await lastAnswer(page).locator('summary').focus();
    await page.keyboard.press('Enter');
    expect(await lastAnswer(page).locator('details').getAttribute('open')).toBe('');
    await lastAnswer(page).getByRole('button', { name: 'Not helpful' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => lastAnswer(page).getByRole('button', { name: 'Not helpful' }).getAttribute('aria-pressed')).toBe('true');
    expect(await focused(page)).toBe('button:Not helpful');
    expect(await lastAnswer(page).locator('details').getAttribute('open')).toBe('');

    await page.keyboard.press('Escape');
    expect(await page.locator('parley-widget .panel').isHidden()).toBe(true);
    expect(await focused(page)).toBe('button:Open chat with Acme Help');
    expect(await bubble(page).getAttribute('aria-expanded')).toBe('false');
    await page.keyboard.press('Enter');
    expect(await bubble(page).getAttribute('aria-expanded')).toBe('true');
    await context.close();
  });

  it('keeps the conversation across a navigation, continues it, and clears it on request', async () => {
    fake.provider().script({ kind: 'reply', text: 'Within 30 days. [1]' });
    fake.provider().script({ kind: 'reply', text: 'To the EU and the UK. [1]' });
    const { context, page, requests } = await visit(host().url(owner.publicId));
    await bubble(page).click();
    await ask(page, RETURNS);
    await idle(page);

    await page.locator('header a', { hasText: 'Help' }).click();
    await page.waitForLoadState();
    await bubble(page).click();
    expect(await page.locator('parley-widget .user').innerText()).toBe(RETURNS);
    expect(await lastAnswer(page).locator('.b').innerText()).toContain('Within 30 days.');
    const chats: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/chat')) chats.push(r.postData() ?? '');
    });
    await ask(page, 'And where do you ship?');
    await idle(page);
    const conversationId = (JSON.parse(chats[0]!) as { conversationId?: string }).conversationId;
    expect(conversationId).toMatch(/\S/);
    const transcript = await owner.request<{ turns: unknown[] }>('GET', `/v1/bots/${owner.botId}/conversations/${conversationId}`);
    expect(transcript.body.turns).toHaveLength(2);
    // One session for both pages.
    expect(requests.filter((u) => u.endsWith('/sessions'))).toHaveLength(1);

    await page.getByRole('button', { name: 'Start a new conversation' }).click();
    expect(await page.locator('parley-widget .user').count()).toBe(0);
    const stored = await probe<{ messages?: unknown[]; conversationId?: string }>(page, `stored('parley:${owner.publicId}')`);
    expect(stored.messages).toEqual([]);
    expect(stored.conversationId).toBeUndefined();
    await page.reload();
    await bubble(page).click();
    expect(await page.locator('parley-widget .user').count()).toBe(0);
    // No cookies, here or on the API.
    expect(await context.cookies()).toEqual([]);
    await context.close();
  });

  it('works under the strict CSP, adds no global but Parley, and the host page’s aggressive CSS changes nothing in it', async () => {
    const PARTS = ['.bubble', '.panel', '.top', 'h2', '.log', '.bot .b', 'textarea', '.send', '.chip', '.foot'];
    const LOOK = ['display', 'position', 'font-size', 'font-family', 'color', 'background-color', 'line-height', 'letter-spacing', 'text-transform', 'border-top-width', 'width', 'height'];
    const look = async (css?: 'hostile') => {
      const v = await visit(host().url(owner.publicId, css ? { css } : {}));
      await bubble(v.page).click();
      await question(v.page).waitFor();
      const styles = await probe<Record<string, Record<string, unknown> | null>>(v.page, `looks(${JSON.stringify(PARTS)}, ${JSON.stringify(LOOK)})`);
      const globals = await probe<string[]>(v.page, 'newGlobals()');
      await v.context.close();
      return { styles, problems: v.problems, globals };
    };
    const strict = await look();
    expect(strict.problems).toEqual([]);
    expect(strict.globals).toEqual(['Parley']);
    expect(strict.styles['.bubble']).toMatchObject({ 'background-color': 'rgb(15, 118, 110)', position: 'static', width: '56px' });
    expect(strict.styles['.panel']).toMatchObject({ display: 'flex', position: 'absolute', 'font-size': '15px' });
    expect((await look('hostile')).styles).toEqual(strict.styles);
  });

  it('renders inline into a given element, without a bubble; a second copy of the script does nothing; destroy removes it all', async () => {
    const { context, page, requests } = await visit(host().url(owner.publicId, { inline: true, css: 'site' }));
    const panel = page.locator('#chat-here parley-widget .panel');
    await panel.waitFor();
    expect(await bubble(page).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Close chat' }).count()).toBe(0);
    const box = await panel.boundingBox();
    expect(box?.height).toBeGreaterThan(400);

    await page.evaluate(`new Promise((loaded) => {
      const again = Object.assign(document.createElement('script'), { src: '${platform().apiUrl}/widget.js', onload: loaded });
      again.dataset.bot = '${owner.publicId}';
      document.body.append(again);
    })`);
    expect(await page.locator('parley-widget').count()).toBe(1);
    expect(requests.filter((u) => u.endsWith('/config'))).toHaveLength(1);

    await page.evaluate('window.Parley.destroy()');
    expect(await page.locator('parley-widget').count()).toBe(0);
    expect(await page.evaluate<string>('typeof window.Parley')).toBe('undefined');
    await context.close();
  });

  it('shows nothing, and asks nothing more, on a page whose origin the bot does not allow', async () => {
    const strictOwner = await newOwner(platform());
    expect((await strictOwner.request('PATCH', `/v1/bots/${strictOwner.botId}`, { allowedOrigins: ['https://shop.example'] })).status).toBe(200);
    const { context, page, requests, problems } = await visit(host().url(strictOwner.publicId, { host: FOREIGN_HOST }));
    await page.waitForLoadState('networkidle');
    expect(await page.locator('parley-widget').count()).toBe(0);
    expect(requests.filter((u) => u.startsWith(platform().apiUrl)).map((u) => new URL(u).pathname)).toEqual(['/widget.js', `/widget/v1/${strictOwner.publicId}/config`]);
    // The page's calls to the API still work; they just do nothing.
    await page.evaluate('window.Parley.open()');
    expect(await page.locator('parley-widget').count()).toBe(0);
    // The refusal is the browser's CORS error on the config request, nothing of the widget's.
    expect(problems.filter((p) => !/CORS|Failed to load resource/.test(p))).toEqual([]);
    await context.close();
  });

  describe('with a lead form first, on the left, in the visitor’s dark mode', () => {
    let leadOwner: Owner;
    beforeAll(async () => {
      leadOwner = await newOwner(platform());
      const patch = {
        model: { provider: 'openai', model: 'gpt-4.1-mini' },
        theme: { color: '#7c3aed', position: 'left', mode: 'auto' },
        leadForm: { when: 'before', fields: [{ name: 'company', label: 'Company', type: 'text', required: false }] },
      };
      expect((await leadOwner.request('PATCH', `/v1/bots/${leadOwner.botId}`, patch)).status).toBe(200);
      await uploadDocument(platform(), leadOwner, 'returns-and-shipping.md', FAQ);
    });

    it('asks for the lead form before the first question, then answers, and passes a request on to a person', async () => {
      const { context, page, problems } = await visit(host().url(leadOwner.publicId, { css: 'site' }), { colorScheme: 'dark' });
      await bubble(page).waitFor();
      expect((await bubble(page).boundingBox())!.x).toBeLessThan(100);
      await page.evaluate('window.Parley.identify({ name: "Ada" }); window.Parley.open()');
      expect(await probe<string>(page, 'focused()')).toBe('input:');
      expect(await page.getByLabel('Name').inputValue()).toBe('Ada');
      expect(await question(page).isDisabled()).toBe(true);
      await probe(page, 'settled()');
      await page.screenshot({ path: path.join(RESULTS, 'widget-dark-lead-form.png') });
      expect(await axeViolations(page)).toEqual([]);

      await page.getByLabel('E-mail').fill('ada@example.com');
      await page.getByLabel('Company (optional)').fill('Analytical Engines');
      await page.getByRole('button', { name: 'Start chatting' }).click();
      await expect.poll(() => lastAnswer(page).innerText()).toBe('Thanks, Ada! What would you like to know?');
      expect(await question(page).isDisabled()).toBe(false);
      const leads = await leadOwner.request<{ leads: Array<Record<string, unknown>> }>('GET', `/v1/bots/${leadOwner.botId}/leads`);
      expect(leads.body.leads).toEqual([expect.objectContaining({ name: 'Ada', email: 'ada@example.com', fields: { company: 'Analytical Engines' } })]);

      // Nothing in the documents answers this: no model is asked, and a person is offered.
      await ask(page, 'Can I pay with goats?');
      await idle(page);
      await lastAnswer(page).getByRole('button', { name: 'Talk to a person' }).click();
      expect(await page.getByLabel('Name (optional)').inputValue()).toBe('Ada');
      await page.getByLabel('Message').fill('I would like to pay with goats.');
      await page.locator('parley-widget .card').getByRole('button', { name: 'Send', exact: true }).click();
      await expect.poll(() => page.locator('parley-widget .card .alert').innerText()).toBe('Please leave an e-mail address or a phone number.');
      // One of the two is needed, so neither is labelled optional; the group says so, and both are marked.
      const reach = page.getByRole('group', { name: 'How to reach you: an e-mail address, a phone number or both' });
      expect(await reach.getByRole('textbox').count()).toBe(2);
      expect(await page.getByLabel(/^(E-mail|Phone) \(optional\)$/).count()).toBe(0);
      expect(await page.getByLabel('E-mail', { exact: true }).getAttribute('aria-invalid')).toBe('true');
      expect(await page.getByLabel('Phone', { exact: true }).getAttribute('aria-invalid')).toBe('true');
      expect(await focused(page)).toBe('input:');
      await page.getByLabel('Phone', { exact: true }).fill('+44 20 7946 0000');
      expect(await page.getByLabel('E-mail', { exact: true }).getAttribute('aria-invalid')).toBeNull();
      expect(await page.locator('parley-widget .card .alert').innerText()).toBe('');
      await page.screenshot({ path: path.join(RESULTS, 'widget-dark-handoff.png') });
      expect(await axeViolations(page)).toEqual([]);
      await page.locator('parley-widget .card').getByRole('button', { name: 'Send', exact: true }).click();
      await expect.poll(() => lastAnswer(page).innerText()).toContain('someone will get back to you soon');
      const handoffs = await leadOwner.request<{ handoffs: Array<Record<string, unknown>> }>('GET', `/v1/bots/${leadOwner.botId}/handoffs`);
      expect(handoffs.body.handoffs).toEqual([expect.objectContaining({ name: 'Ada', phone: '+44 20 7946 0000', message: 'I would like to pay with goats.', conversationId: expect.any(String) as string })]);
      expect(problems).toEqual([]);
      await context.close();
    });

    it('shows a provider failure kindly and lets the visitor try again', async () => {
      fake.provider().script({ kind: 'error', status: 429 });
      fake.provider().script({ kind: 'reply', text: 'Within 30 days. [1]' });
      const { context, page } = await visit(host().url(leadOwner.publicId), { stored: { key: `parley:${leadOwner.publicId}`, value: { messages: [], lead: 'sent' } } });
      await bubble(page).click();
      await ask(page, RETURNS);
      const error = page.locator('parley-widget .err');
      await error.waitFor();
      expect(await error.getAttribute('role')).toBe('alert');
      expect(await error.innerText()).toMatch(/busy|try again/i);
      expect(await page.locator('parley-widget .bot').count()).toBe(1);
      await error.getByRole('button', { name: 'Try again' }).click();
      await idle(page);
      expect(await lastAnswer(page).locator('.b').innerText()).toMatch(/^Within 30 days\. ?1$/);
      expect(await error.count()).toBe(0);
      expect(await page.locator('parley-widget .user').count()).toBe(1);
      await context.close();
    });

    it('shows the platform’s own rate limit kindly, holding “Try again” back for Retry-After', async () => {
      // This network has started as many chats with this bot as it may this minute.
      for (let i = 0; i < 30 && (await visitorToken(platform(), leadOwner.publicId)); i++);
      const { context, page } = await visit(host().url(leadOwner.publicId), { stored: { key: `parley:${leadOwner.publicId}`, value: { messages: [], lead: 'sent' } } });
      await bubble(page).click();
      await ask(page, RETURNS);
      const error = page.locator('parley-widget .err');
      await error.waitFor();
      expect(await error.innerText()).toContain('Please wait a minute.');
      expect(await error.getByRole('button', { name: 'Try again' }).isDisabled()).toBe(true);
      expect(await page.locator('parley-widget .user').innerText()).toBe(RETURNS);
      await probe(page, 'settled()');
      await page.screenshot({ path: path.join(RESULTS, 'widget-rate-limited.png') });
      expect(await axeViolations(page)).toEqual([]);
      await context.close();
    });

    it('says kindly that a paused bot is paused, and still takes a request for a person', async () => {
      expect((await leadOwner.request('PATCH', `/v1/bots/${leadOwner.botId}`, { paused: true })).status).toBe(200);
      const { context, page } = await visit(host().url(leadOwner.publicId));
      await bubble(page).click();
      expect(await page.locator('parley-widget .paused').innerText()).toContain('taking a break');
      expect(await question(page).count()).toBe(0);
      expect(await page.locator('parley-widget .card').count()).toBe(0);
      await page.getByRole('button', { name: 'Talk to a person' }).click();
      expect(await page.getByLabel('Message').count()).toBe(1);
      expect(await axeViolations(page)).toEqual([]);
      await context.close();
    });
  });

  it('recovers from a refused token and a conversation that is no longer the visitor’s, and offers the lead form after an answer', async () => {
    const during = await newOwner(platform());
    const patch = {
      model: { provider: 'openai', model: 'gpt-4.1-mini' },
      theme: { color: '#b45309', position: 'right', mode: 'light', avatarUrl: 'https://avatars.example/acme.png' },
      leadForm: { when: 'during', fields: [] },
    };
    expect((await during.request('PATCH', `/v1/bots/${during.botId}`, patch)).status).toBe(200);
    await uploadDocument(platform(), during, 'returns-and-shipping.md', FAQ);
    fake.provider().script({ kind: 'reply', text: 'Within 30 days. [1]' }, { times: 2 });
    const earlier = {
      token: 'not.a.token', expiresAt: Date.now() + 600_000, conversationId: '01JUNKJUNKJUNKJUNKJUNKJUNK',
      messages: [{ role: 'user', text: 'An earlier question' }, { role: 'bot', text: 'An earlier answer.', state: 'done', answered: true }],
    };
    const { context, page, requests } = await visit(host().url(during.publicId), { stored: { key: `parley:${during.publicId}`, value: earlier } });
    await bubble(page).click();
    // The owner's avatar is on another host: it is not fetched (that host would learn of every visitor).
    await expect.poll(() => page.locator('parley-widget .top .av').innerText()).toBe('H');
    expect(await page.locator('parley-widget .user').first().innerText()).toBe('An earlier question');
    await ask(page, RETURNS);
    await idle(page);
    expect(await lastAnswer(page).locator('.b').innerText()).toMatch(/^Within 30 days\. ?1$/);
    const api = requests.filter((u) => u.startsWith(platform().apiUrl)).map((u) => new URL(u).pathname.split('/').pop());
    // A refused token (its 401 unreadable cross-origin: no CORS headers): a new session and the question again;
    // then the unknown conversation: asked as a new one.
    expect(api.filter((p) => p === 'chat')).toHaveLength(3);
    expect(api.filter((p) => p === 'sessions')).toHaveLength(1);
    expect(requests.filter((u) => u.includes('avatars.example'))).toEqual([]);

    const lead = page.locator('parley-widget .card');
    await lead.waitFor();
    expect(await lead.locator('h3').innerText()).toBe('Stay in touch?');
    await lead.getByRole('button', { name: 'Cancel' }).click();
    expect(await focused(page)).toBe('textarea:Your question');
    await ask(page, 'And how long is shipping?');
    await idle(page);
    expect(await lead.count()).toBe(0);
    await context.close();
  });

  it('saves screenshots of the open widget on desktop and mobile, and times script load to an interactive bubble', async () => {
    await fs.mkdir(RESULTS, { recursive: true });
    const shots: Array<{ name: string; viewport: { width: number; height: number }; colorScheme?: 'dark' }> = [
      { name: 'widget-desktop', viewport: { width: 1280, height: 800 } },
      { name: 'widget-mobile', viewport: { width: 390, height: 844 } },
    ];
    for (const shot of shots) {
      fake.provider().script({ kind: 'reply', text: 'You can return any item within **30 days** of delivery for a full refund [1]. Just start a return from your account page.' });
      const { context, page } = await visit(host().url(owner.publicId, { css: 'site' }), { viewport: shot.viewport });
      await bubble(page).click();
      await probe(page, 'settled()');
      await page.screenshot({ path: path.join(RESULTS, `${shot.name}-welcome.png`) });
      await ask(page, RETURNS);
      await idle(page);
      await lastAnswer(page).getByText('1 source').click();
      await probe(page, 'settled()');
      await page.screenshot({ path: path.join(RESULTS, `${shot.name}.png`) });
      expect(await axeViolations(page)).toEqual([]);
      await context.close();
    }

    const timings: Array<{ fromRequest: number; fromRun: number; fromNavigation: number }> = [];
    for (let i = 0; i < 5; i++) {
      const { context, page } = await visit(host().url(owner.publicId));
      await bubble(page).waitFor();
      timings.push(await probe<{ fromRequest: number; fromRun: number; fromNavigation: number }>(page, 'timings()'));
      await context.close();
    }
    const median = (xs: number[]) => Math.round([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]! * 10) / 10;
    const bytes = await buildWidget();
    const figures = {
      measuredAt: new Date().toISOString(),
      machine: `${os.cpus().length} cores, headless Chromium, local platform on loopback, strict-CSP host page`,
      bytes: bytes.byteLength,
      gzipBytes: gzipSync(bytes, { level: 9 }).byteLength,
      loads: timings.length,
      medianMs: {
        scriptRequestToInteractive: median(timings.map((t) => t.fromRequest)),
        scriptRunToInteractive: median(timings.map((t) => t.fromRun)),
        navigationToInteractive: median(timings.map((t) => t.fromNavigation)),
      },
      peersGzipBytes: { 'FlowiseChatEmbed web.js': 284 * 1024, 'AnythingLLM widget': 214 * 1024 },
    };
    // The results file changes only when asked (npm run bench:widget), so a test run leaves the tree clean.
    if (process.env.PARLEY_WRITE_BENCH === '1') await fs.writeFile(BENCH, `${JSON.stringify(figures, null, 2)}\n`);
    console.log('widget figures', figures);
    expect(figures.medianMs.scriptRequestToInteractive).toBeGreaterThan(0);
  });
});
