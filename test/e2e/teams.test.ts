// Issue 19 in real Chromium: an owner invites someone and copies the invitation's
// link; the invitee opens it, signs in, sees who invited them to what (and an
// attacker's same-named invitation beside it), joins by the link only, declines
// the other, creates an account of their own and switches between the two in the
// header. Every request names the account the tab acts for. Screenshots:
// test-results/admin-team-invitation-link.png, admin-invitation.png,
// admin-accounts.png, admin-account-switcher.png, admin-phone-account-switcher.png;
// axe-core checks each.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, usePlatform, type ApiClient } from '../integration/fixtures/platform.ts';
import { useChromium } from './fixtures/chromium.ts';

const RESULTS = path.resolve(import.meta.dirname, '../../test-results');
const AXE_SOURCE = fs.readFile(path.resolve(import.meta.dirname, '../../node_modules/axe-core/axe.min.js'), 'utf8');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
/** A page change after a click waits for the API, on a machine that may be busy. */
const WAIT = { timeout: 10_000 };

const axeViolations = async (page: Page): Promise<string[]> => {
  if (!(await page.evaluate<boolean>('typeof axe === "object"'))) await page.evaluate(await AXE_SOURCE);
  return page.evaluate<string[]>(`axe.run(document, { runOnly: { type: 'tag', values: ${JSON.stringify(AXE_TAGS)} } })
    .then((r) => r.violations.flatMap((v) => v.nodes.map((n) => v.id + ': ' + n.target.join(' ') + ' ' + n.failureSummary)))`);
};

const capture = async (page: Page, name: string): Promise<void> => {
  await page.evaluate(`document.querySelectorAll('.toast').forEach((t) => t.remove()); window.scrollTo(0, 0)`);
  await page.screenshot({ path: path.join(RESULTS, `admin-${name}.png`), fullPage: true });
  expect(await axeViolations(page), name).toEqual([]);
};

describe('invitation links and the account switcher in the panel', () => {
  const platform = usePlatform();
  const browser = useChromium();
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    await fs.mkdir(RESULTS, { recursive: true });
  });
  afterAll(async () => {
    for (const c of contexts) await c.close();
  });

  const tab = async (): Promise<{ page: Page; problems: string[]; accountHeaders: Array<string | undefined> }> => {
    const context = await browser().newContext({ viewport: { width: 1280, height: 860 } });
    contexts.push(context);
    const page = await context.newPage();
    const problems: string[] = [];
    const accountHeaders: Array<string | undefined> = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('request', (r) => {
      const url = new URL(r.url());
      // Every account route; not the person's own (`/v1/me/…`) or creating an account.
      if (url.pathname.startsWith('/v1/') && !url.pathname.startsWith('/v1/me/') && !(url.pathname === '/v1/account' && r.method() === 'POST')) {
        accountHeaders.push(r.headers()['x-parley-account']);
      }
    });
    return { page, problems, accountHeaders };
  };
  const accountFor = async (email: string, name: string): Promise<ApiClient & { accountId: string }> => {
    const client = await signIn(platform(), email);
    const res = await client.request<{ account: { accountId: string } }>('POST', '/v1/account', { name });
    expect(res.status).toBe(201);
    return { ...client, accountId: res.body.account.accountId };
  };
  const signInAs = async (page: Page, email: string) => {
    await page.getByLabel('E-mail address').fill(email);
    await page.getByRole('button', { name: 'Continue' }).click();
  };

  it('joins the new hire to Acme by the link Acme’s owner copied, never by the attacker’s, and switches accounts in the header', async () => {
    const id = randomUUID().slice(0, 8);
    const newHire = `newhire-${id}@acme.test`;
    const attacker = await accountFor(`attacker-${id}@evil.test`, 'Acme');
    expect((await attacker.request('POST', '/v1/members', { email: newHire, role: 'admin' })).status).toBe(201);
    const ownerEmail = `owner-${id}@acme.test`;
    const acme = await accountFor(ownerEmail, 'Acme');
    expect((await acme.request('POST', '/v1/bots', { name: 'Acme Help' })).status).toBe(201);

    // Acme's owner invites the new hire in the panel and copies the link.
    const owner = await tab();
    await owner.page.goto(`${platform().apiUrl}/admin/#/account`);
    await signInAs(owner.page, ownerEmail);
    const team = owner.page.locator('section.card', { has: owner.page.getByRole('heading', { name: 'Team' }) });
    await team.getByLabel('E-mail address').fill(newHire);
    await team.getByLabel('Role', { exact: true }).selectOption('admin');
    await team.getByRole('button', { name: 'Invite' }).click();
    const linkField = team.getByRole('textbox', { name: `Invitation link for ${newHire}` });
    await linkField.waitFor();
    const link = await linkField.inputValue();
    expect(link).toMatch(new RegExp(`^${platform().apiUrl}/admin/#/invitation/${acme.accountId}\\.[A-Za-z0-9_-]{43}$`));
    expect(await team.locator('.invite-link').innerText()).toContain('Only they can use it');
    await capture(owner.page, 'team-invitation-link');

    // The new hire opens the link, signs in, and sees both invitations for what they are.
    const hire = await tab();
    await hire.page.goto(link);
    await signInAs(hire.page, newHire);
    await expect.poll(() => hire.page.locator('h1').innerText(), WAIT).toBe('Your invitation');
    const offer = hire.page.locator('.invitation-offer');
    await offer.waitFor();
    expect(await offer.innerText()).toBe(`You are invited to Acme by ${ownerEmail} as Admin.`);
    const others = hire.page.locator('ul.invitations-for-you > li');
    expect(await others.count()).toBe(1);
    expect(await others.first().innerText()).toContain(`Invited to Acme by ${attacker.email} as Admin`);
    // No account yet: no navigation into one.
    expect(await hire.page.getByRole('navigation', { name: 'Main' }).count()).toBe(0);
    await capture(hire.page, 'invitation');

    await hire.page.getByRole('button', { name: 'Join Acme' }).click();
    await expect.poll(() => hire.page.locator('h1').innerText(), WAIT).toBe('Your bots');
    await hire.page.locator('.bot-card', { hasText: 'Acme Help' }).waitFor();
    expect(await hire.page.locator('.who .badge').innerText()).toBe('Admin');
    // In Acme only; the attacker's invitation still waits, moving nobody.
    const api = await signIn(platform(), newHire);
    expect((await api.request<{ accounts: Array<{ accountId: string }> }>('GET', '/v1/me/accounts')).body.accounts.map((a) => a.accountId)).toEqual([acme.accountId]);
    expect((await attacker.request<{ members: unknown[] }>('GET', '/v1/members')).body.members).toHaveLength(1);

    // Their accounts page: decline the attacker's invitation, then create an account of their own.
    await hire.page.goto(`${platform().apiUrl}/admin/#/accounts`);
    await expect.poll(() => hire.page.locator('h1').innerText(), WAIT).toBe('Your accounts');
    await hire.page.getByRole('button', { name: `Decline the invitation to Acme by ${attacker.email}` }).click();
    await hire.page.getByRole('dialog').getByRole('button', { name: 'Decline' }).click();
    await expect.poll(() => hire.page.locator('ul.invitations-for-you').count(), WAIT).toBe(0);
    expect((await attacker.request<{ invitations: unknown[] }>('GET', '/v1/members')).body.invitations).toEqual([]);
    await hire.page.getByLabel('Business name').fill('Newhire Consulting');
    await hire.page.getByRole('button', { name: 'Create account' }).click();
    await expect.poll(() => hire.page.locator('h1').innerText(), WAIT).toBe('Your bots');
    await hire.page.getByText('No bots yet').waitFor();

    // Two accounts: the header's switcher names the one this tab acts for.
    const switcher = hire.page.getByRole('combobox', { name: 'Account' });
    await switcher.waitFor();
    expect(await switcher.locator('option').allInnerTexts()).toEqual(['Acme (Admin)', 'Newhire Consulting (Owner)']);
    expect(await switcher.locator('option:checked').innerText()).toBe('Newhire Consulting (Owner)');
    expect(await hire.page.locator('.who .badge').innerText()).toBe('Owner');
    await capture(hire.page, 'account-switcher');
    await switcher.selectOption({ label: 'Acme (Admin)' });
    await hire.page.locator('.bot-card', { hasText: 'Acme Help' }).waitFor();
    expect(await hire.page.locator('.who .badge').innerText()).toBe('Admin');

    await hire.page.goto(`${platform().apiUrl}/admin/#/accounts`);
    await hire.page.locator('ul.my-accounts > li').first().waitFor();
    expect(await hire.page.locator('ul.my-accounts > li').allInnerTexts()).toEqual([
      expect.stringMatching(/^Acme\s+Admin\s+Current/), expect.stringMatching(/^Newhire Consulting\s+Owner\s+Switch/),
    ]);
    await capture(hire.page, 'accounts');

    // On a phone the header with its switcher wraps rather than widening the page.
    await hire.page.setViewportSize({ width: 390, height: 844 });
    await hire.page.goto(`${platform().apiUrl}/admin/#/`);
    await hire.page.locator('.bot-card', { hasText: 'Acme Help' }).waitFor();
    expect(await hire.page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await capture(hire.page, 'phone-account-switcher');

    // Every request for account data named the account it acts for.
    expect(hire.accountHeaders.length).toBeGreaterThan(3);
    expect(hire.accountHeaders.every((h) => h !== undefined)).toBe(true);
    expect([...owner.problems, ...hire.problems]).toEqual([]);
  });

  it('tells someone whose link does not work so, and joins nothing', async () => {
    const id = randomUUID().slice(0, 8);
    const acme = await accountFor(`owner2-${id}@acme.test`, 'Acme');
    const invited = await acme.request<{ token: string }>('POST', '/v1/members', { email: `right-${id}@acme.test`, role: 'viewer' });
    const { page, problems } = await tab();
    await page.goto(`${platform().apiUrl}/admin/#/invitation/${invited.body.token}`);
    await signInAs(page, `wrong-${id}@acme.test`);
    await expect.poll(() => page.locator('h1').innerText(), WAIT).toBe('Your invitation');
    await expect.poll(() => page.locator('section.card p[role=alert]').first().innerText().catch(() => ''), WAIT).toContain('does not work for');
    expect(await page.getByRole('button', { name: /^Join/ }).count()).toBe(1); // the paste-a-link form's only
    expect((await acme.request<{ members: unknown[] }>('GET', '/v1/members')).body.members).toHaveLength(1);
    expect(problems).toEqual([]);
  });
});
