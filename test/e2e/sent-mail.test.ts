// Reading a notification e-mail in the panel, in real Chromium: locally an owner opens
// one from "Recent notification e-mails" and reads its text as the outbox kept it,
// with a visitor's markup shown as the characters they typed, never run or rendered.
// Screenshot: test-results/admin-sent-mail.png.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, newOwner, usePlatform, visitorToken } from '../integration/fixtures/platform.ts';
import { useChromium } from './fixtures/chromium.ts';

const RESULTS = path.resolve(import.meta.dirname, '../../test-results');
const AXE_SOURCE = fs.readFile(path.resolve(import.meta.dirname, '../../node_modules/axe-core/axe.min.js'), 'utf8');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
const SLOW = { timeout: 10_000 };
const HOSTILE = '<img src=x onerror=alert(1)>';

describe('a notification e-mail read in the admin panel', () => {
  const platform = usePlatform();
  const browser = useChromium();
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];
  const dialogs: string[] = [];

  beforeAll(async () => {
    await fs.mkdir(RESULTS, { recursive: true });
    context = await browser().newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`${m.text()} ${m.location().url}`);
    });
    page.on('pageerror', (e) => problems.push(e.message));
    // An alert would mean the visitor's markup ran.
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
  });
  afterAll(async () => {
    await context.close();
  });

  it('opens an e-mail and shows its text, a visitor’s markup as plain characters', async () => {
    const owner = await newOwner(platform());
    const token = await visitorToken(platform(), owner.publicId);
    expect((await call(platform().apiUrl, 'POST', `/widget/v1/${owner.publicId}/handoff`,
      { name: 'Ada <b>Bold</b>', email: 'ada@example.com', message: `Hello ${HOSTILE}\nSecond line` }, { authorization: `Bearer ${token}` })).status).toBe(201);
    await platform().notify.idle();
    const kept = platform().outbox.messages.find((m) => m.to.includes(owner.email));
    expect(kept?.text).toContain(HOSTILE);

    await page.goto(`${platform().apiUrl}/admin/`);
    await page.getByLabel('E-mail address').fill(owner.email);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('link', { name: 'Notifications' }).click();
    await page.getByRole('button', { name: `Read: A visitor asked for a person · Help desk, to ${owner.email}` }).click(SLOW);

    const text = page.getByRole('region', { name: 'E-mail text' });
    await text.waitFor(SLOW);
    // Exactly the outbox's text, the markup as characters: no element was made of it.
    expect(await text.textContent()).toBe(kept!.text);
    expect(await text.innerText()).toContain(`Hello ${HOSTILE}`);
    expect(await text.locator('*').count()).toBe(0);
    expect(await page.locator('.mail-reader img, .mail-reader b').count()).toBe(0);
    expect(await page.getByRole('region', { name: `E-mail to ${owner.email}` }).innerText()).toContain('A visitor asked for a person · Help desk');

    await page.screenshot({ path: path.join(RESULTS, 'admin-sent-mail.png'), fullPage: true });
    if (!(await page.evaluate<boolean>('typeof axe === "object"'))) await page.evaluate(await AXE_SOURCE);
    expect(await page.evaluate<string[]>(`axe.run(document, { runOnly: { type: 'tag', values: ${JSON.stringify(AXE_TAGS)} } })
      .then((r) => r.violations.flatMap((v) => v.nodes.map((n) => v.id + ': ' + n.target.join(' '))))`)).toEqual([]);
    expect(dialogs).toEqual([]);
    expect(problems).toEqual([]);
  });
});
