// Notifications in the panel, in real Chromium: a member turns an e-mail off on the
// Notifications page and sees the e-mails sent; in a bot's settings an owner adds a
// webhook (the secret shown once, gone after a reload), sends a test event and reads the
// delivery log, turns it off; the link in a notification e-mail opens that conversation.
// Screenshots: test-results/admin-notifications.png, admin-webhooks.png and
// admin-conversation-link.png.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebhookReceiver, type WebhookReceiver } from '../fakes/webhook-receiver.ts';
import { ask, call, newOwner, usePlatform, visitorToken } from '../integration/fixtures/platform.ts';
import { useChromium } from './fixtures/chromium.ts';

const RESULTS = path.resolve(import.meta.dirname, '../../test-results');
const AXE_SOURCE = fs.readFile(path.resolve(import.meta.dirname, '../../node_modules/axe-core/axe.min.js'), 'utf8');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
const SLOW = { timeout: 10_000 };

let receiver: WebhookReceiver;
beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(async () => receiver.close());

describe('notifications in the admin panel', () => {
  // The deployment's panel address, as the stack gives it: the link's host is not this server's, its route is the panel's.
  const platform = usePlatform({ env: () => ({ PARLEY_EGRESS_ALLOW_HOSTS: receiver.host, PARLEY_PANEL_URL: 'https://panel.example/admin/' }) });
  const browser = useChromium();
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    await fs.mkdir(RESULTS, { recursive: true });
    context = await browser().newContext({ viewport: { width: 1280, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`${m.text()} ${m.location().url}`);
    });
    page.on('pageerror', (e) => problems.push(e.message));
  });
  afterAll(async () => {
    await context.close();
  });

  const axe = async () => {
    if (!(await page.evaluate<boolean>('typeof axe === "object"'))) await page.evaluate(await AXE_SOURCE);
    expect(await page.evaluate<string[]>(`axe.run(document, { runOnly: { type: 'tag', values: ${JSON.stringify(AXE_TAGS)} } })
      .then((r) => r.violations.flatMap((v) => v.nodes.map((n) => v.id + ': ' + n.target.join(' '))))`)).toEqual([]);
  };

  it('lets a member choose their e-mails and an owner run a bot’s webhooks', async () => {
    const owner = await newOwner(platform());
    const token = await visitorToken(platform(), owner.publicId);
    expect((await call(platform().apiUrl, 'POST', `/widget/v1/${owner.publicId}/handoff`, { email: 'ada@example.com', message: 'Call me' }, { authorization: `Bearer ${token}` })).status).toBe(201);
    await platform().notify.idle();

    await page.goto(`${platform().apiUrl}/admin/`);
    await page.getByLabel('E-mail address').fill(owner.email);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('link', { name: 'Notifications' }).click();
    const sent = page.getByRole('table', { name: 'Recent notification e-mails' });
    await expect.poll(() => sent.innerText(), SLOW).toContain('A visitor asked for a person · Help desk');
    const leads = page.getByRole('switch', { name: 'A visitor leaves their contact details (a lead)' });
    expect(await leads.isChecked()).toBe(true);
    await leads.click();
    await expect.poll(async () => (await owner.request<{ preferences: { email: Record<string, boolean> } }>('GET', '/v1/me/notifications')).body.preferences.email['lead.created'], SLOW).toBe(false);
    const digest = page.getByRole('switch', { name: /^A daily digest/ });
    expect(await digest.isChecked()).toBe(false);
    await digest.click();
    await expect.poll(async () => (await owner.request<{ preferences: { digest?: boolean } }>('GET', '/v1/me/notifications')).body.preferences.digest, SLOW).toBe(true);
    await page.screenshot({ path: path.join(RESULTS, 'admin-notifications.png'), fullPage: true });
    await axe();

    await page.goto(`${platform().apiUrl}/admin/#/bots/${owner.botId}/settings`);
    await page.getByLabel('Endpoint URL').fill(`${receiver.url}/hooks/panel-0123456789abcdef`);
    await page.getByRole('button', { name: 'Add webhook' }).click();
    const secret = page.getByLabel('Signing secret');
    await secret.waitFor(SLOW);
    expect(await secret.inputValue()).toMatch(/^whsec_/);
    await expect.poll(() => page.locator('.webhook-url').allInnerTexts(), SLOW).toEqual([`${receiver.url}/hooks/pa…`]);

    await page.getByRole('button', { name: /^Send test event/ }).click();
    const log = page.getByRole('table', { name: 'Delivery attempts' });
    await expect.poll(() => log.innerText(), SLOW).toContain('200 OK');
    expect(receiver.received.filter((r) => r.path === '/hooks/panel-0123456789abcdef')).toHaveLength(1);
    await page.screenshot({ path: path.join(RESULTS, 'admin-webhooks.png'), fullPage: true });
    await axe();

    await page.getByRole('button', { name: /^Turn off/ }).click();
    await expect.poll(() => page.locator('.webhook').innerText(), SLOW).toContain('Off');
    // Shown once: after a reload, only the hint remains.
    await page.reload();
    await page.locator('.webhook-url').waitFor(SLOW);
    expect(await page.getByLabel('Signing secret').count()).toBe(0);
    expect(await page.content()).not.toContain('whsec_');
    expect(problems).toEqual([]);
  });

  it('opens the very conversation an e-mail links to', async () => {
    const owner = await newOwner(platform());
    const first = await ask(platform(), owner.publicId, 'Do you deliver on Sundays?');
    await ask(platform(), owner.publicId, 'Where is your shop?');
    expect((await call(platform().apiUrl, 'POST', `/widget/v1/${owner.publicId}/handoff`,
      { email: 'ada@example.com', message: 'Call me', conversationId: first.conversationId }, { authorization: `Bearer ${first.token}` })).status).toBe(201);
    await platform().notify.idle();
    const mail = platform().outbox.messages.find((m) => m.to.includes(owner.email));
    const link = /Read the conversation and reply: (\S+)/.exec(mail?.text ?? '')?.[1];
    expect(link).toBe(`https://panel.example/admin/#/bots/${owner.botId}/conversations/${first.conversationId}`);

    const own = await browser().newContext({ viewport: { width: 1280, height: 900 } });
    const tab = await own.newPage();
    tab.on('pageerror', (e) => problems.push(e.message));
    await tab.goto(`${platform().apiUrl}/admin/`);
    await tab.getByLabel('E-mail address').fill(owner.email);
    await tab.getByRole('button', { name: 'Continue' }).click();
    await tab.getByRole('link', { name: 'Notifications' }).waitFor(SLOW);
    await tab.goto(`${platform().apiUrl}/admin/${new URL(link!).hash}`);
    const detail = tab.locator('.conv-detail');
    await expect.poll(() => detail.innerText(), SLOW).toContain('Do you deliver on Sundays?');
    expect(await detail.innerText()).not.toContain('Where is your shop?');
    expect(await tab.locator('.conv[aria-current="true"]').count()).toBe(1);
    await tab.screenshot({ path: path.join(RESULTS, 'admin-conversation-link.png'), fullPage: true });
    await own.close();
    expect(problems).toEqual([]);
  });
});
