// The panel's unanswered questions in real Chromium: the bot's header gives the week's
// answered share, the Unanswered tab lists what the bot could not answer (one question
// asked three ways shows once), "Improve this answer" teaches the bot and clears it, and
// Dismiss, by keyboard, empties the list. Screenshot: test-results/admin-unanswered.png.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UnansweredReport } from '../../lambdas/core/views.ts';
import { ask, newOwner, uploadDocument, usePlatform } from '../integration/fixtures/platform.ts';
import { useChromium } from './fixtures/chromium.ts';

const RESULTS = path.resolve(import.meta.dirname, '../../test-results');
const AXE_SOURCE = fs.readFile(path.resolve(import.meta.dirname, '../../node_modules/axe-core/axe.min.js'), 'utf8');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
/** The panel reads every recent conversation and the machine is shared: give it time. */
const SLOW = { timeout: 10_000 };
const DOC = '# Opening hours\n\nThe shop opens at nine in the morning and closes at six in the evening.\n';

describe('unanswered questions in the admin panel', () => {
  const platform = usePlatform();
  const browser = useChromium();
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    await fs.mkdir(RESULTS, { recursive: true });
    context = await browser().newContext({ viewport: { width: 1280, height: 860 } });
    page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`${m.text()} ${m.location().url}`);
    });
    page.on('pageerror', (e) => problems.push(e.message));
  });
  afterAll(async () => {
    await context.close();
  });

  it('shows the week’s answered share, lists what the bot could not answer, and clears it by teaching or dismissing', async () => {
    const owner = await newOwner(platform());
    await uploadDocument(platform(), owner, 'hours.md', DOC);
    for (const q of ['Do you ship to Canada?', 'Shipping to Canada?', 'Can you ship my order to Canada?', 'Do you sell gift cards?']) {
      expect((await ask(platform(), owner.publicId, q)).done?.answered).toBe(false);
    }
    expect((await ask(platform(), owner.publicId, 'When does the shop open?')).done?.answered).toBe(true);

    await page.goto(`${platform().apiUrl}/admin/`);
    await page.getByLabel('E-mail address').fill(owner.email);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('link', { name: 'Help desk' }).click();
    const summary = page.locator('.week-summary');
    await expect.poll(() => summary.innerText(), SLOW).toContain('20% of questions answered in the last 7 days (1 of 5)');
    await summary.getByRole('link', { name: '2 unanswered questions to review' }).click();

    const list = page.getByRole('list', { name: 'Unanswered questions' });
    await list.waitFor();
    const items = list.locator(':scope > li');
    await expect.poll(() => items.locator('.question').allInnerTexts(), SLOW).toEqual(['Do you sell gift cards?', 'Do you ship to Canada?']);
    await expect.poll(() => items.nth(1).innerText(), SLOW).toMatch(/Asked 3 times, last/);
    await items.nth(1).getByText('Also asked as (2)').click();
    await expect.poll(() => items.nth(1).locator('.phrasings li').allInnerTexts(), SLOW).toEqual(['Can you ship my order to Canada?', 'Shipping to Canada?']);
    await page.evaluate(`document.querySelectorAll('.toast').forEach((t) => t.remove()); window.scrollTo(0, 0)`);
    await page.screenshot({ path: path.join(RESULTS, 'admin-unanswered.png'), fullPage: true });
    if (!(await page.evaluate<boolean>('typeof axe === "object"'))) await page.evaluate(await AXE_SOURCE);
    expect(await page.evaluate<string[]>(`axe.run(document, { runOnly: { type: 'tag', values: ${JSON.stringify(AXE_TAGS)} } })
      .then((r) => r.violations.flatMap((v) => v.nodes.map((n) => v.id + ': ' + n.target.join(' '))))`)).toEqual([]);

    // On a phone: the five tabs and the list fit the width.
    const phone = await browser().newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const p = await phone.newPage();
    const session = await page.evaluate<string>(`sessionStorage.getItem('parley-admin:session')`);
    await p.addInitScript(`sessionStorage.setItem('parley-admin:session', ${JSON.stringify(session)})`);
    await p.goto(`${platform().apiUrl}/admin/#/bots/${owner.botId}/unanswered`);
    await p.getByRole('list', { name: 'Unanswered questions' }).waitFor();
    expect(await p.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth')).toBe(0);
    await p.screenshot({ path: path.join(RESULTS, 'admin-phone-unanswered.png'), fullPage: true });
    await phone.close();

    // Teaching the answer: a Q&A source, and the question leaves the list.
    const canada = items.nth(1);
    await canada.getByText('Improve this answer').click();
    await canada.getByLabel('The right answer').fill('Yes: we ship to Canada in five to eight working days.');
    await canada.getByRole('button', { name: 'Teach the bot this answer' }).click();
    await expect.poll(() => items.locator('.question').allInnerTexts(), SLOW).toEqual(['Do you sell gift cards?']);
    await page.getByText('your bot has learned the answer, and the question left this list').waitFor();
    // Once the new source is ready, the bot answers the question (asked once: a decline would be listed again).
    await expect.poll(async () => (await owner.request<{ documents: Array<{ status: string }> }>('GET', `/v1/bots/${owner.botId}/documents`)).body.documents.map((d) => d.status), { timeout: 15_000 })
      .toEqual(['ready', 'ready']);
    expect((await ask(platform(), owner.publicId, 'Do you ship to Canada?')).answer).toContain('we ship to Canada');

    // Dismissing by keyboard.
    await items.first().getByRole('button', { name: 'Dismiss: Do you sell gift cards?' }).focus();
    await page.keyboard.press('Enter');
    await page.getByText('Nothing unanswered').waitFor();
    expect(await page.evaluate<string>('document.activeElement?.textContent ?? ""')).toBe('Unanswered questions');
    const left = await owner.request<UnansweredReport>('GET', `/v1/bots/${owner.botId}/unanswered`);
    expect(left.body.groups).toEqual([]);
    expect(left.body.week).toMatchObject({ asked: 6, answered: 2 });
    expect(problems).toEqual([]);
  });
});
