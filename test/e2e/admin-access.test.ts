// The admin panel's runtime configuration in real Chromium: Cognito's hosted
// sign-in with PKCE against a fake Cognito on loopback (code exchange, a wrong
// verifier and a forged state refused, refresh before expiry, a 401 mid-visit,
// sign-out), direct uploads to the presigned URL, a missing or wrong
// configuration, and what a viewer and an admin of someone else's account see.
// The configuration is served through page.route, as the AWS stack would serve it.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { BrowserContext, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsAdminCsp } from '../../infra/constructs/hosting.ts';
import { ask, joinTeam, signIn, uploadDocument, usePlatform, type Owner } from '../integration/fixtures/platform.ts';
import { useChromium } from './fixtures/chromium.ts';
import { FAKE_CLIENT_ID, FAKE_SCOPES, startFakeCognito, type FakeCognito } from './fixtures/fake-cognito.ts';

const RESULTS = path.resolve(import.meta.dirname, '../../test-results');
const AXE_SOURCE = fs.readFile(path.resolve(import.meta.dirname, '../../node_modules/axe-core/axe.min.js'), 'utf8');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
const SESSION = 'parley-admin:session';

const axeViolations = async (page: Page): Promise<string[]> => {
  if (!(await page.evaluate<boolean>('typeof axe === "object"'))) await page.evaluate(await AXE_SOURCE);
  return page.evaluate<string[]>(`axe.run(document, { runOnly: { type: 'tag', values: ${JSON.stringify(AXE_TAGS)} } })
    .then((r) => r.violations.flatMap((v) => v.nodes.map((n) => v.id + ': ' + n.target.join(' ') + ' ' + n.failureSummary)))`);
};

/** A trip through the (fake) hosted sign-in takes a few page loads. */
const ROUND_TRIP = { timeout: 10_000 };

const capture = async (page: Page, name: string): Promise<void> => {
  await page.evaluate(`document.querySelectorAll('.toast').forEach((t) => t.remove()); window.scrollTo(0, 0)`);
  await page.screenshot({ path: path.join(RESULTS, `admin-${name}.png`), fullPage: true });
  expect(await axeViolations(page), name).toEqual([]);
};

describe('the admin panel’s sign-in, uploads and roles, from its runtime configuration', () => {
  const platform = usePlatform();
  const browser = useChromium();
  let cognito: FakeCognito;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    await fs.mkdir(RESULTS, { recursive: true });
    cognito = await startFakeCognito(platform().apiUrl);
  });
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await cognito.close();
  });

  /** A new account with one bot, made through the API for `email`. */
  const ownerFor = async (email: string, accountName: string): Promise<Owner> => {
    const client = await signIn(platform(), email);
    const account = await client.request<{ account: { accountId: string } }>('POST', '/v1/account', { name: accountName });
    const bot = await client.request<{ bot: { botId: string; publicId: string } }>('POST', '/v1/bots', { name: 'Help desk' });
    expect([account.status, bot.status]).toEqual([201, 201]);
    return { ...client, accountId: account.body.account.accountId, botId: bot.body.bot.botId, publicId: bot.body.bot.publicId };
  };

  /**
   * A browser tab whose `/admin/config.json` is `config`, and whose panel is served with the CSP
   * the AWS stack sends (`awsAdminCsp`: its Cognito domain and bucket added to connect-src).
   */
  const tab = async (config: unknown, connect: string[] = []): Promise<{ page: Page; problems: string[] }> => {
    // The panel's document comes from a route (for its CSP), which Chromium places outside the
    // loopback address space: it may reach the fake Cognito on loopback as a deployment reaches Cognito.
    const context = await browser().newContext({ viewport: { width: 1280, height: 860 }, permissions: ['local-network-access'] });
    contexts.push(context);
    await context.route('**/admin/config.json', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(config) }));
    await context.route((url) => url.origin === platform().apiUrl && url.pathname === '/admin/', async (route: Route) => {
      const res = await route.fetch();
      await route.fulfill({ response: res, headers: { ...res.headers(), 'content-security-policy': awsAdminCsp(connect) } });
    });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error' && m.text().includes('Content Security Policy')) problems.push(m.text());
    });
    return { page, problems };
  };

  const cognitoConfig = () => ({ auth: { kind: 'cognito', domain: cognito.origin, clientId: FAKE_CLIENT_ID, scopes: FAKE_SCOPES }, uploads: 'relay' });
  const heading = (page: Page) => page.locator('h1');
  const session = (page: Page) => page.evaluate<{ token: string; email: string; expiresAt: string; refreshToken?: string } | null>(`JSON.parse(sessionStorage.getItem('${SESSION}'))`);

  it('signs in through Cognito’s hosted sign-in with PKCE, refreshes before expiry, survives a 401 and signs out', async () => {
    const email = `owner-${Date.now()}@cognito.example`;
    const owner = await ownerFor(email, 'Cognito Bakery');
    cognito.user = email;
    const { page, problems } = await tab(cognitoConfig(), [cognito.origin]);

    // Asked for the account page, without a session: the sign-in page, with one button.
    await page.goto(`${platform().apiUrl}/admin/#/account`);
    await expect.poll(() => heading(page).innerText()).toBe('Sign in');
    await capture(page, 'cognito-sign-in');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();

    // Cognito's authorize, back with a code, exchanged with the verifier: on the page asked for.
    await expect.poll(() => heading(page).innerText(), ROUND_TRIP).toBe('Cognito Bakery');
    const asked = cognito.authorizeRequests.at(-1)!;
    expect(Object.fromEntries(asked)).toMatchObject({
      response_type: 'code', client_id: FAKE_CLIENT_ID, redirect_uri: `${platform().apiUrl}/admin/`, scope: 'openid email profile', code_challenge_method: 'S256',
    });
    expect(asked.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(cognito.log.slice(-2)).toEqual(['authorize', 'token:code']);
    // Code and state are gone from the address, and nothing of the sign-in is left but the session.
    expect(page.url()).toBe(`${platform().apiUrl}/admin/#/account`);
    expect(await page.evaluate<number>('history.length')).toBeLessThanOrEqual(3);
    const signedIn = (await session(page))!;
    expect(signedIn.email).toBe(email);
    expect(signedIn.refreshToken).toBeTruthy();
    expect(await page.evaluate<string | null>(`sessionStorage.getItem('parley-admin:sign-in')`)).toBeNull();
    expect(await page.evaluate<number>('localStorage.length')).toBe(0);

    // Shortly before the ID token expires, the refresh token gets a new one, and the page carries on.
    await page.evaluate(`(() => {
      const s = JSON.parse(sessionStorage.getItem('${SESSION}'));
      sessionStorage.setItem('${SESSION}', JSON.stringify({ ...s, expiresAt: new Date(Date.now() + 30000).toISOString() }));
    })()`);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Keys & privacy' }).click();
    await expect.poll(() => heading(page).innerText()).toBe('Keys & privacy');
    await page.locator('.key-card').first().waitFor();
    expect(cognito.log.at(-1)).toBe('token:refresh');
    const refreshed = (await session(page))!;
    expect(refreshed.token).not.toBe(signedIn.token);
    expect(Date.parse(refreshed.expiresAt)).toBeGreaterThan(Date.now() + 60 * 60_000);
    expect(refreshed.refreshToken).toBe(signedIn.refreshToken);

    // The API refuses the token mid-visit: "your session ended", on the same page, and back to it after signing in.
    await page.goto(`${platform().apiUrl}/admin/#/bots/${owner.botId}/settings`);
    await expect.poll(() => heading(page).innerText()).toContain('Help desk');
    // The settings load the Bedrock model list after the bot: the token is revoked only once the form is in,
    // so the refusal comes from the click below and not from that request.
    await page.locator('form.settings').waitFor();
    await page.evaluate(`(() => {
      const s = JSON.parse(sessionStorage.getItem('${SESSION}'));
      sessionStorage.setItem('${SESSION}', JSON.stringify({ ...s, token: 'revoked.token.value' }));
    })()`);
    await page.locator('nav.tabs').getByRole('link', { name: 'Conversations' }).click();
    await expect.poll(() => heading(page).innerText()).toBe('Sign in');
    expect(await page.locator('.notice').innerText()).toBe('Your session ended. Sign in again to carry on where you were.');
    expect(page.url()).toBe(`${platform().apiUrl}/admin/#/bots/${owner.botId}/conversations`);
    expect(await session(page)).toBeNull();
    await capture(page, 'cognito-session-ended');
    await page.getByRole('button', { name: 'Sign in again' }).click();
    await expect.poll(() => page.locator('nav.tabs [aria-current=page]').innerText().catch(() => ''), ROUND_TRIP).toBe('Conversations');
    expect(page.url()).toBe(`${platform().apiUrl}/admin/#/bots/${owner.botId}/conversations`);

    // Signing out clears the tab's storage and ends Cognito's session, then comes back.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => cognito.log.at(-1), ROUND_TRIP).toBe('logout');
    await expect.poll(() => heading(page).innerText().catch(() => ''), ROUND_TRIP).toBe('Sign in');
    expect(cognito.log.slice(-2)).toEqual(['revoke', 'logout']);
    expect(Object.fromEntries(cognito.logoutRequests.at(-1)!)).toEqual({ client_id: FAKE_CLIENT_ID, logout_uri: `${platform().apiUrl}/admin/` });
    expect(await page.locator('.notice').innerText()).toBe('You are signed out.');
    expect(await session(page)).toBeNull();
    // Nothing of the visit is left in the tab.
    expect(await page.evaluate<number>('sessionStorage.length')).toBe(0);
    expect(problems).toEqual([]);
  });

  it('refuses a code exchanged with the wrong verifier, and a reply with a state it did not make', async () => {
    const email = `owner-${Date.now()}@pkce.example`;
    await ownerFor(email, 'PKCE Check');
    cognito.user = email;
    const { page } = await tab(cognitoConfig(), [cognito.origin]);

    // The verifier is swapped on its way to the token endpoint: the fake Cognito's check refuses it.
    await page.route(`${cognito.origin}/oauth2/token`, async (route) => {
      const form = new URLSearchParams(route.request().postData() ?? '');
      form.set('code_verifier', 'a'.repeat(43));
      await route.continue({ postData: form.toString() });
    });
    await page.goto(`${platform().apiUrl}/admin/#/keys`);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect.poll(() => page.locator('.notice').innerText().catch(() => ''), ROUND_TRIP).toBe('Sign-in could not be completed. Please try again.');
    expect(cognito.log.at(-1)).toBe('token:refused:verifier');
    expect(await session(page)).toBeNull();
    expect(new URL(page.url()).search).toBe('');
    await page.unroute(`${cognito.origin}/oauth2/token`);

    // A reply whose state is not the one this tab sent: refused before any token is asked for.
    cognito.forgeState = true;
    const before = cognito.log.length;
    try {
      // After a refusal the button offers to try again.
      await page.getByRole('button', { name: 'Sign in again' }).click();
      await expect.poll(() => page.locator('.notice').innerText().catch(() => ''), ROUND_TRIP).toBe('This sign-in could not be confirmed as the one started here, so it was refused. Please sign in again.');
    } finally {
      cognito.forgeState = false;
    }
    expect(cognito.log.slice(before)).toEqual(['authorize']);
    expect(await session(page)).toBeNull();
    expect(new URL(page.url()).search).toBe('');

    // With the right verifier and state, the same tab signs in.
    await page.getByRole('button', { name: 'Sign in again' }).click();
    await expect.poll(() => heading(page).innerText().catch(() => ''), ROUND_TRIP).toBe('Keys & privacy');
    expect(cognito.log.at(-1)).toBe('token:code');
  });

  it('says plainly when its configuration is missing or wrong', async () => {
    const context = await browser().newContext({ viewport: { width: 1280, height: 860 } });
    contexts.push(context);
    const page = await context.newPage();
    await page.route('**/admin/config.json', (route) => route.fulfill({ status: 404, body: 'Not found' }));
    await page.goto(`${platform().apiUrl}/admin/`);
    await expect.poll(() => heading(page).innerText()).toBe('Parley cannot start');
    expect(await page.locator('.config-detail').innerText()).toBe('There is no configuration file (/admin/config.json).');
    await capture(page, 'config-error');
    await page.unroute('**/admin/config.json');
    await page.route('**/admin/config.json', (route) => route.fulfill({
      status: 200, contentType: 'application/json',
      body: JSON.stringify({ auth: { kind: 'cognito', domain: 'http://login.example.com', clientId: FAKE_CLIENT_ID, scopes: FAKE_SCOPES }, uploads: 'direct' }),
    }));
    await page.getByRole('button', { name: 'Try again' }).click();
    await expect.poll(() => page.locator('.config-detail').innerText().catch(() => '')).toContain('must be an https address');
    await page.unroute('**/admin/config.json');
    await page.route('**/admin/config.json', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: '{"auth":{"kind":"local"}' }));
    await page.reload();
    await expect.poll(() => page.locator('.config-detail').innerText().catch(() => '')).toBe('The configuration file is not valid JSON.');
    // The local platform serves a good one.
    const served = await fetch(`${platform().apiUrl}/admin/config.json`);
    expect(served.headers.get('content-type')).toContain('application/json');
    expect(await served.json()).toEqual({ auth: { kind: 'local' }, uploads: 'relay' });
  });

  it('uploads straight to the presigned URL when the configuration says "direct"', async () => {
    const email = `owner-${Date.now()}@direct.example`;
    const owner = await ownerFor(email, 'Direct Uploads');
    // Where presigned URLs point locally (the S3 front door): asked once through the API.
    const probe = await owner.request<{ document: { docId: string }; upload: { url: string } }>('POST', `/v1/bots/${owner.botId}/documents`, { name: 'probe.md', contentType: 'text/markdown', size: 5 });
    const store = new URL(probe.body.upload.url).origin;
    expect((await owner.request('DELETE', `/v1/bots/${owner.botId}/documents/${probe.body.document.docId}`)).status).toBe(204);
    expect(store).not.toBe(platform().apiUrl);

    const { page, problems } = await tab({ auth: { kind: 'local' }, uploads: 'direct' }, [store]);
    // The local S3 emulator sends no CORS headers: here it answers through Playwright with the
    // CORS rule the AWS documents bucket has for the admin origin. The PUT itself goes to the store.
    const direct: string[] = [];
    await page.route((url) => url.origin === store, async (route) => {
      const cors = { 'access-control-allow-origin': platform().apiUrl, 'access-control-allow-methods': 'PUT', 'access-control-allow-headers': '*' };
      if (route.request().method() === 'OPTIONS') return route.fulfill({ status: 204, headers: cors });
      direct.push(`${route.request().method()} ${route.request().url()}`);
      const res = await route.fetch();
      return route.fulfill({ response: res, headers: { ...res.headers(), ...cors } });
    });
    const relayed: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/admin/upload')) relayed.push(r.url());
    });
    await page.goto(`${platform().apiUrl}/admin/#/bots/${owner.botId}/data`);
    await page.getByLabel('E-mail address').fill(email);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.locator('.dropzone').waitFor();
    await page.locator('input[type=file]').setInputFiles({ name: 'opening-hours.md', mimeType: 'text/markdown', buffer: Buffer.from('# Opening hours\n\nWe open at nine, Monday to Saturday.\n'.repeat(200)) });
    await expect.poll(() => page.locator('.upload-row progress').getAttribute('value').catch(() => '100')).toBe('100');
    await expect.poll(() => page.locator('li.doc', { hasText: 'opening-hours.md' }).locator('.badge').innerText().catch(() => ''), { timeout: 15_000 }).toBe('Ready');
    expect(direct).toHaveLength(1);
    expect(direct[0]).toMatch(new RegExp(`^PUT ${store.replace(/[.:/]/g, '\\$&')}/.*X-Amz-Signature=`));
    expect(relayed).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('shows a viewer what they may read, and no control they may not use, saying why', async () => {
    const ownerEmail = `owner-${Date.now()}@team.example`;
    const owner = await ownerFor(ownerEmail, 'Team Shop');
    await uploadDocument(platform(), owner, 'returns.md', '# Returns\n\nReturn any item within 30 days of delivery.\n');
    const asked = await ask(platform(), owner.publicId, 'Can I return an item?');
    expect(asked.status).toBe(200);
    const viewerEmail = `viewer-${Date.now()}@team.example`;
    const adminEmail = `admin-${Date.now()}@team.example`;
    // Each follows their invitation's link (signing in alone joins nothing).
    await joinTeam(platform(), owner, 'viewer', viewerEmail);
    await joinTeam(platform(), owner, 'admin', adminEmail);

    const { page, problems } = await tab({ auth: { kind: 'local' }, uploads: 'relay' });
    const nav = (name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name });
    const bots = `${platform().apiUrl}/admin/#/bots/${owner.botId}`;
    await page.goto(`${platform().apiUrl}/admin/`);
    await page.getByLabel('E-mail address').fill(viewerEmail);
    await page.getByRole('button', { name: 'Continue' }).click();

    // Bots: no "New bot"; the role is in the header and the note says why.
    await expect.poll(() => heading(page).innerText()).toBe('Your bots');
    await page.locator('.bot-card').waitFor();
    expect(await page.locator('.who .badge').innerText()).toBe('Viewer');
    expect(await page.getByRole('button', { name: 'New bot' }).count()).toBe(0);
    expect(await page.locator('.role-note').innerText()).toContain('your role in this account is Viewer');

    // Training data: the documents, but no upload, adding, re-ingesting or deleting.
    await page.goto(`${bots}/data`);
    await page.locator('li.doc').first().waitFor();
    expect(await page.locator('.dropzone').count()).toBe(0);
    expect(await page.getByRole('button', { name: /^(Delete|Process again) / }).count()).toBe(0);
    expect(await page.locator('summary', { hasText: 'Paste text' }).count()).toBe(0);
    expect(await page.locator('.role-note').count()).toBe(1);

    // Conversations: readable and searchable, but neither deleted nor "improved".
    await page.goto(`${bots}/conversations`);
    await page.getByRole('button', { name: /Can I return an item\?/ }).click();
    await page.locator('.conv-detail .answer').first().waitFor();
    expect(await page.getByRole('button', { name: 'Delete this conversation' }).count()).toBe(0);
    expect(await page.getByText('Improve this answer').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Export this conversation as JSON' }).count()).toBe(1);

    // Settings: all of it shown, none of it editable, nothing to save or delete.
    await page.goto(`${bots}/settings`);
    await page.getByLabel('Name', { exact: true }).waitFor();
    expect(await page.getByLabel('Name', { exact: true }).isDisabled()).toBe(true);
    expect(await page.getByLabel('Tokens per day').isDisabled()).toBe(true);
    expect(await page.getByRole('radio', { name: /With OpenAI/ }).isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Save changes' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Delete this bot' }).count()).toBe(0);
    await capture(page, 'viewer-settings');

    // Keys: what is set, no key to paste; the privacy switches are shown but locked.
    await nav('Keys & privacy').click();
    await page.locator('.key-card').first().waitFor();
    expect(await page.getByLabel('Paste your key').count()).toBe(0);
    expect(await page.getByRole('switch', { name: 'Use only my own keys' }).isDisabled()).toBe(true);

    // Account: usage and the team, but no export, team changes or deletion.
    await nav('Account').click();
    await expect.poll(() => heading(page).innerText()).toBe('Team Shop');
    const team = page.locator('section.card', { has: page.getByRole('heading', { name: 'Team' }) });
    await expect.poll(() => team.locator('table.team').innerText().catch(() => '')).toContain(ownerEmail);
    expect(await team.getByRole('button', { name: 'Invite' }).count()).toBe(0);
    expect(await team.locator('select').count()).toBe(0);
    expect(await team.locator('.role-note').innerText()).toBe('Only owners of this account can invite people, change roles or remove members.');
    expect(await page.getByRole('button', { name: 'Export all your data' }).count()).toBe(0);
    expect(await page.getByText('Only owners and admins of this account can export its data.').count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Delete this account' }).count()).toBe(0);
    expect(await page.getByLabel('Keep conversations for').isDisabled()).toBe(true);
    await capture(page, 'viewer-account');

    // An admin runs the bots and exports, but neither manages the team nor deletes the account.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('E-mail address').fill(adminEmail);
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect.poll(() => heading(page).innerText()).toBe('Your bots');
    expect(await page.locator('.who .badge').innerText()).toBe('Admin');
    expect(await page.getByRole('button', { name: 'New bot' }).count()).toBe(1);
    await nav('Account').click();
    await expect.poll(() => team.locator('table.team').innerText().catch(() => '')).toContain(ownerEmail);
    expect(await page.getByRole('button', { name: 'Export all your data' }).count()).toBe(1);
    expect(await team.getByRole('button', { name: 'Invite' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Delete this account' }).count()).toBe(0);
    expect(problems).toEqual([]);
  });
});
