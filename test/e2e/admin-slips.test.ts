// Slips in the panel, in real Chromium (issue 20 item 9): a bad website in Settings is reported at its field and a
// bare host becomes https://; while several files upload, the list never says "Waiting for upload" for a file the
// page is uploading or has uploaded; "Process again" only where it could help; the OpenAI key card does not ask to
// check an address it has no field for; on a phone the bot's tab bar shows every tab.
// Screenshots: test-results/admin-settings-origin-error.png, admin-phone-tabs.png.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newOwner, uploadDocument, usePlatform, type Owner } from '../integration/fixtures/platform.ts';
import { useChromium } from './fixtures/chromium.ts';

const RESULTS = path.resolve(import.meta.dirname, '../../test-results');
const SLOW = { timeout: 15_000 };

describe('the panel without slips', () => {
  // Nothing listens on port 9: OpenAI cannot be reached.
  const platform = usePlatform({ env: () => ({ PARLEY_OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' }) });
  const browser = useChromium();
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    await fs.mkdir(RESULTS, { recursive: true });
  });
  afterAll(async () => {
    for (const c of contexts) await c.close();
  });

  const signedIn = async (owner: Owner, viewport = { width: 1280, height: 860 }): Promise<Page> => {
    const context = await browser().newContext({ viewport });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${platform().apiUrl}/admin/`);
    await page.getByLabel('E-mail address').fill(owner.email);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('link', { name: 'Help desk' }).waitFor(SLOW);
    return page;
  };

  it('reports a bad website at its field, and saves a bare host as https://', async () => {
    const owner = await newOwner(platform());
    const page = await signedIn(owner);
    await page.getByRole('link', { name: 'Help desk' }).click();
    await page.getByRole('link', { name: 'Settings' }).click();
    const sites = page.getByLabel('Your websites');
    await sites.fill('shop.example\nnot a site');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => sites.getAttribute('aria-invalid')).toBe('true');
    const described = (await sites.getAttribute('aria-describedby'))!.split(' ');
    const messages = await Promise.all(described.map((id) => page.locator(`[id="${id}"]`).innerText()));
    expect(messages).toContain('“not a site” is not a website address: list each site exactly, like https://www.example.com.');
    expect(await page.evaluate<string | null>("document.activeElement?.getAttribute('name') ?? null")).toBe('origins');
    expect(await page.locator('.sticky-actions .form-error').innerText()).toBe('');
    await sites.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(RESULTS, 'admin-settings-origin-error.png') });

    // Plain http is for a site on this computer only.
    await sites.fill('shop.example\nhttps://www.shop.example/\nhttp://shop.example');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(async () => (await page.getByLabel('Your websites').getAttribute('aria-invalid'))).toBe('true');
    await page.getByLabel('Your websites').fill('shop.example\nhttps://www.shop.example/');
    await page.getByRole('button', { name: 'Save changes' }).click();
    const saved = async () => (await owner.request<{ bot: { allowedOrigins: string[] } }>('GET', `/v1/bots/${owner.botId}`)).body.bot.allowedOrigins;
    await expect.poll(saved, SLOW).toEqual(['https://shop.example', 'https://www.shop.example']);
    await expect.poll(() => page.getByLabel('Your websites').inputValue()).toBe('https://shop.example\nhttps://www.shop.example');
    expect(await page.getByLabel('Your websites').getAttribute('aria-invalid')).toBeNull();
  });

  it('never lists a file the page is uploading, or has uploaded, as waiting for its upload', async () => {
    const owner = await newOwner(platform());
    const page = await signedIn(owner);
    await page.getByRole('link', { name: 'Help desk' }).click();
    await page.locator('.dropzone').waitFor();
    // A slow line, so the three uploads finish one after another while the list refreshes.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: 5_000_000, uploadThroughput: 40_000 });
    // Every moment an upload row and the list disagree about the same file.
    await page.evaluate(`(() => {
      const seen = (window.contradictions = []);
      new MutationObserver(() => {
        for (const row of document.querySelectorAll('.upload-row')) {
          const name = row.querySelector('.name')?.textContent ?? '';
          const status = row.querySelector('.upload-top > span:last-child')?.textContent ?? '';
          for (const doc of document.querySelectorAll('li.doc .name')) {
            const text = doc.textContent ?? '';
            if (text.startsWith(name + ' ') && text.includes('Waiting for upload')) seen.push(name + ': row “' + status + '”, list “' + text + '”');
          }
        }
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    })()`);
    const file = (n: number, kb: number) => ({
      name: `notes-${n}.md`, mimeType: 'text/markdown',
      buffer: Buffer.from(`# Notes ${n}\n\n${Array.from({ length: kb * 10 }, (_, i) => `Line ${i} of file ${n} about opening hours and returns.`).join('\n')}\n`.slice(0, kb * 1024)),
    });
    await page.locator('input.file-input').setInputFiles([file(1, 4), file(2, 40), file(3, 80)]);
    const statuses = async () => (await owner.request<{ documents: Array<{ status: string }> }>('GET', `/v1/bots/${owner.botId}/documents`)).body.documents.map((d) => d.status);
    await expect.poll(async () => (await statuses()).filter((s) => s !== 'awaiting_upload').length, { timeout: 30_000 }).toBe(3);
    await expect.poll(() => page.locator('li.doc').count(), SLOW).toBe(3);
    await page.waitForTimeout(1000);
    expect(await page.evaluate<string[]>('window.contradictions')).toEqual([]);
  });

  it('offers “Process again” only where processing again could help, and says nothing of an address OpenAI’s card has not got', async () => {
    const owner = await newOwner(platform());
    expect((await uploadDocument(platform(), owner, 'hours.md', '# Hours\n\nNine to five.\n')).status).toBe('ready');
    const broken = await uploadDocument(platform(), owner, 'scan.pdf', new TextEncoder().encode('%PDF-1.7 this is not really a PDF'), 'application/pdf');
    expect(broken.status).toBe('failed');
    const page = await signedIn(owner);
    await page.getByRole('link', { name: 'Help desk' }).click();
    await expect.poll(() => page.locator('li.doc').count(), SLOW).toBe(2);
    expect(await page.getByRole('button', { name: 'Process again hours.md' }).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Process again scan.pdf' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Delete scan.pdf' }).count()).toBe(1);

    await page.getByRole('link', { name: 'Keys & privacy' }).click();
    const card = page.locator('.key-card[data-provider="openai"]');
    await card.getByLabel('Paste your key').fill('sk-test-unreachable-0000000000000000');
    await card.getByRole('button', { name: 'Save key for OpenAI' }).click();
    await expect.poll(() => card.locator('.form-error').innerText(), { timeout: 30_000 }).toContain('could not be reached');
    expect(await card.locator('.form-error').innerText()).not.toMatch(/address|base URL/i);
    expect(await card.locator('input[type=url]').count()).toBe(0);
  });

  it('shows every tab of a bot on a phone', async () => {
    const owner = await newOwner(platform());
    const page = await signedIn(owner, { width: 390, height: 844 });
    await page.getByRole('link', { name: 'Help desk' }).click();
    const tabs = page.locator('nav.tabs');
    await tabs.waitFor();
    expect(await page.evaluate<number>("(() => { const el = document.querySelector('nav.tabs'); return el.scrollWidth - el.clientWidth; })()")).toBeLessThanOrEqual(0);
    const bar = (await tabs.boundingBox())!;
    const links = await tabs.locator('a.tab').all();
    expect(links.length).toBeGreaterThanOrEqual(5);
    for (const link of links) {
      const box = (await link.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(bar.x - 1);
      expect(box.x + box.width).toBeLessThanOrEqual(Math.min(bar.x + bar.width, 390) + 1);
    }
    expect(await tabs.getByRole('link', { name: 'Settings' }).isVisible()).toBe(true);
    await page.screenshot({ path: path.join(RESULTS, 'admin-phone-tabs.png'), clip: { x: 0, y: 0, width: 390, height: Math.min(844, bar.y + bar.height + 40) } });
  });
});
