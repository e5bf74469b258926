// The bot setting for reviewers' comments in Word documents (issue 24 item 3), in real Chromium: off unless the
// owner turns it on, explained in one line under the switch; saving it reads the bot's Word documents again.
import type { BrowserContext } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { tenantForSystem } from '../../lambdas/core/tenancy.ts';
import { buildDocx, commentsPart, noteRef, para, run } from '../fixtures/documents/docx-builder.ts';
import { newOwner, uploadDocument, usePlatform } from '../integration/fixtures/platform.ts';
import { useChromium } from './fixtures/chromium.ts';

const SLOW = { timeout: 15_000 };
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const COMMENT = 'Ask finance whether this still holds.';

describe('the setting for comments in Word documents', () => {
  const platform = usePlatform();
  const browser = useChromium();
  const contexts: BrowserContext[] = [];
  afterAll(async () => {
    for (const c of contexts) await c.close();
  });

  it('is off with its explanation, and once switched on and saved the comments are indexed', async () => {
    const owner = await newOwner(platform());
    const file = buildDocx(para(run('Invoices are due within 30 days.') + noteRef('comment', 0)), { 'comments.xml': commentsPart({ 0: COMMENT }) });
    const doc = await uploadDocument(platform(), owner, 'invoices.docx', file, DOCX);
    const indexed = async () => (await platform().deps.chunks.listForBot(tenantForSystem(owner.accountId), owner.botId))
      .filter((c) => c.docId === doc.docId).map((c) => c.text).join('\n');
    expect(await indexed()).not.toContain(COMMENT);

    const context = await browser().newContext({ viewport: { width: 1280, height: 860 } });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${platform().apiUrl}/admin/`);
    await page.getByLabel('E-mail address').fill(owner.email);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('link', { name: 'Help desk' }).click(SLOW);
    await page.getByRole('link', { name: 'Settings' }).click();

    const setting = page.getByRole('switch', { name: 'Read reviewers’ comments in Word documents' });
    expect(await setting.isChecked()).toBe(false);
    const hint = await page.locator(`[id="${await setting.getAttribute('aria-describedby')}"]`).innerText();
    expect(hint).toMatch(/^Off unless you turn it on/);
    expect(hint).toContain('reads your Word documents again');

    await setting.check();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Saved. Your Word documents are being read again.').waitFor(SLOW);
    const saved = async () => (await owner.request<{ bot: { documentComments?: boolean } }>('GET', `/v1/bots/${owner.botId}`)).body.bot.documentComments;
    expect(await saved()).toBe(true);
    await platform().ingest.idle();
    expect(await indexed()).toContain(COMMENT);
    // The page starts again from what was saved.
    expect(await page.getByRole('switch', { name: 'Read reviewers’ comments in Word documents' }).isChecked()).toBe(true);
  });
});
