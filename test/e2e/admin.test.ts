// The admin panel in real Chromium against the local platform: an owner's whole
// journey, from sign-in to a cited answer in the live preview, a provider key and
// where data goes, the transcript and its export, deleting a document, inviting a
// teammate, exporting all the account's data, and at the end deleting the account. Screenshots of every
// main page go to test-results/admin-*.png; axe-core checks each of them.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useFakeProvider, usePlatform } from '../integration/fixtures/platform.ts';
import { makeReturnsPdf, SHIPPING_MD } from './fixtures/admin-files.ts';
import { useChromium } from './fixtures/chromium.ts';

const RESULTS = path.resolve(import.meta.dirname, '../../test-results');
const AXE_SOURCE = fs.readFile(path.resolve(import.meta.dirname, '../../node_modules/axe-core/axe.min.js'), 'utf8');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
const QUESTION = 'How long do I have to return an item?';

/** axe-core's WCAG 2.2 AA and best-practice violations on the whole page, as `rule: target` lines. */
const axeViolations = async (page: Page): Promise<string[]> => {
  if (!(await page.evaluate<boolean>('typeof axe === "object"'))) await page.evaluate(await AXE_SOURCE);
  return page.evaluate<string[]>(`axe.run(document, { runOnly: { type: 'tag', values: ${JSON.stringify(AXE_TAGS)} } })
    .then((r) => r.violations.flatMap((v) => v.nodes.map((n) => v.id + ': ' + n.target.join(' ') + ' ' + n.failureSummary)))`);
};

/** Saves a screenshot of the page and checks it with axe-core. */
const capture = async (page: Page, name: string, fullPage = true): Promise<void> => {
  // From the top, without passing notices: a full-page shot shows fixed and sticky things where the view was.
  await page.evaluate(`document.querySelectorAll('.toast').forEach((t) => t.remove()); window.scrollTo(0, 0)`);
  await page.screenshot({ path: path.join(RESULTS, `admin-${name}.png`), fullPage });
  expect(await axeViolations(page), name).toEqual([]);
};

describe('the admin panel', () => {
  const fake = useFakeProvider();
  const platform = usePlatform({ env: () => fake.env() });
  const browser = useChromium();
  let context: BrowserContext;
  let page: Page;
  /** CSP violations, console errors and uncaught exceptions. */
  const problems: string[] = [];
  /** Uploads through the local platform's same-origin relay (`"uploads": "relay"`). */
  const relayed: string[] = [];

  beforeAll(async () => {
    await fs.mkdir(RESULTS, { recursive: true });
    context = await browser().newContext({ viewport: { width: 1280, height: 860 }, acceptDownloads: true });
    page = await context.newPage();
    page.on('console', (m) => {
      // The first sign-in asks for an account that does not exist yet: that 403 is expected.
      // So is the 409 when the test tries to make the last owner a viewer.
      const expected = (m.text().includes('status of 403') && m.location().url.endsWith('/v1/account'))
        || (m.text().includes('status of 409') && m.location().url.includes('/v1/members/'))
        // So is the refusal the test makes up for a pasted text.
        || (m.text().includes('status of 400') && m.location().url.endsWith('/sources'));
      if (m.type() === 'error' && !expected) problems.push(`${m.text()} ${m.location().url}`);
    });
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('request', (r) => {
      if (r.url().includes('/admin/upload?to=')) relayed.push(r.method());
    });
  });
  afterAll(async () => {
    await context.close();
  });

  const heading = () => page.locator('h1');
  const nav = (name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name });
  const tab = (name: string) => page.locator('nav.tabs').getByRole('link', { name });

  it('is served with a strict Content-Security-Policy of its own', async () => {
    const res = await fetch(`${platform().apiUrl}/admin/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'; connect-src 'self'; script-src 'self'; style-src 'self'");
    expect(await res.text()).not.toMatch(/<script>|style=/);
    // The upload relay forwards presigned loopback uploads only.
    const relay = await fetch(`${platform().apiUrl}/admin/upload?to=${encodeURIComponent('http://169.254.169.254/latest')}`, { method: 'PUT', body: 'x' });
    expect(relay.status).toBe(403);
  });

  it('takes an owner from sign-in to a cited answer, a key, a transcript and its export', async () => {
    await page.goto(`${platform().apiUrl}/admin/`);
    await expect.poll(() => heading().innerText()).toBe('Sign in');
    await capture(page, 'sign-in');
    await page.getByLabel('E-mail address').fill('owner@acme.example');
    await page.getByRole('button', { name: 'Continue' }).click();

    // First sign-in: the account is created here.
    await expect.poll(() => heading().innerText()).toBe('Welcome to Parley');
    await page.getByLabel('Business name').fill('Acme Outdoor');
    await page.getByRole('button', { name: 'Create my account' }).click();
    await expect.poll(() => heading().innerText()).toBe('Your bots');
    await page.getByText('No bots yet').waitFor();
    await capture(page, 'bots-empty');

    await page.getByLabel('Name').fill('Acme Help');
    await page.getByRole('button', { name: 'Create bot' }).click();
    await expect.poll(() => heading().innerText()).toBe('Acme Help');
    await page.getByText('No training data yet').waitFor();

    // A PDF through the file picker, a Markdown file dropped onto the drop zone.
    await page.locator('input[type=file]').setInputFiles({ name: 'returns-policy.pdf', mimeType: 'application/pdf', buffer: await makeReturnsPdf() });
    await page.evaluate(`(() => {
      const dt = new DataTransfer();
      dt.items.add(new File([${JSON.stringify(SHIPPING_MD)}], 'shipping.md', { type: '' }));
      document.querySelector('.dropzone').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    })()`);
    // Each file has its own progress bar, which reaches the end.
    await expect.poll(() => page.locator('.upload-row').count()).toBe(2);
    const bars = page.locator('.upload-row progress');
    await expect.poll(async () => [await bars.nth(0).getAttribute('value'), await bars.nth(1).getAttribute('value')]).toEqual(['100', '100']);
    // The local configuration says "relay": both went through the same-origin relay.
    expect(relayed).toEqual(['PUT', 'PUT']);
    const docs = page.locator('li.doc');
    await expect.poll(() => docs.locator('.badge', { hasText: 'Ready' }).count(), { timeout: 15_000 }).toBe(2);
    const pdf = docs.filter({ hasText: 'returns-policy.pdf' });
    expect(await pdf.innerText()).toMatch(/1 page · \d+ passages?/);
    // The Markdown file's e-mail address is flagged as personal data.
    expect(await docs.filter({ hasText: 'shipping.md' }).locator('.pii').innerText()).toContain('1 e-mail address');
    await capture(page, 'training-data');

    // Pasted text, titled with markup: it stays text.
    const paste = page.locator('details', { has: page.locator('summary', { hasText: 'Paste text' }) });
    await paste.locator('summary').click();
    await paste.getByLabel('Title').fill('<img src=x onerror="alert(1)">Opening hours');
    await paste.getByLabel('Text', { exact: true }).fill('We are open Monday to Friday, 9:00 to 17:00.');
    await paste.getByRole('button', { name: 'Add text' }).click();
    const pasted = docs.filter({ hasText: 'Opening hours' });
    await expect.poll(() => pasted.locator('.badge').innerText().catch(() => ''), { timeout: 10_000 }).toBe('Ready');
    expect(await pasted.locator('.name').innerText()).toContain('<img src=x onerror="alert(1)">Opening hours');
    expect(await page.locator('main img').count()).toBe(0);
    // The limit is stated up front and counted as one types; a longer text is refused before anything is sent.
    const pasteText = paste.getByLabel('Text', { exact: true });
    expect(await pasteText.getAttribute('aria-describedby')).toBeTruthy();
    expect(await paste.getByText('Up to 200,000 characters in one piece; split longer texts into several.').count()).toBe(1);
    let sent = 0;
    const countSources = (r: { url(): string; method(): string }) => void (r.method() === 'POST' && r.url().endsWith('/sources') && sent++);
    page.on('request', countSources);
    await paste.getByLabel('Title').fill('A long text');
    await pasteText.fill('x'.repeat(200_001));
    expect(await paste.locator('.char-count').innerText()).toBe('200,001 of 200,000 characters');
    await paste.getByRole('button', { name: 'Add text' }).click();
    expect(await paste.locator('.form-error').innerText()).toBe('This text is longer than 200,000 characters. Split it into several pieces.');
    expect(sent).toBe(0);
    page.off('request', countSources);
    // What the API still refuses is said in plain words, naming the field by its label.
    await page.route('**/sources', (route) => route.fulfill({ status: 400, contentType: 'application/json', body: JSON.stringify({ error: { code: 'invalid_request', message: 'text: Too big: expected string to have <=200000 characters' } }) }), { times: 1 });
    await pasteText.fill('Short enough.');
    expect(await paste.locator('.char-count').innerText()).toBe('13 of 200,000 characters');
    await paste.getByRole('button', { name: 'Add text' }).click();
    await expect.poll(() => paste.locator('.form-error').innerText()).toBe('Text is too long (at most 200,000 characters).');
    await paste.getByLabel('Title').fill('');
    await pasteText.fill('');

    // Ask in the live preview (the widget, inline) and get a cited answer.
    await tab('Try it').click();
    await expect.poll(() => page.locator('.snippet').innerText()).toMatch(/^<script src="http:\/\/127\.0\.0\.1:\d+\/widget\.js" data-bot="[0-9A-Z]{26}" async><\/script>$/);
    const questionBox = page.getByRole('textbox', { name: 'Your question' });
    await questionBox.fill(QUESTION);
    await questionBox.press('Enter');
    const answer = page.locator('parley-widget .bot').last();
    await expect.poll(() => answer.locator('.b').innerText(), { timeout: 10_000 }).toContain('within 30 days of delivery');
    await page.locator('parley-widget .send[aria-label="Send"]').waitFor();
    await answer.getByText(/^\d sources?$/).click();
    expect(await answer.locator('.src').innerText()).toContain('returns-policy.pdf');
    await capture(page, 'try-it');

    // The visitor asks for a person, through the preview.
    const widget = page.locator('parley-widget');
    await widget.getByRole('button', { name: 'Talk to a person' }).last().click();
    await widget.getByLabel('Message').fill('Can I return a gift without the receipt?');
    await widget.getByLabel('E-mail', { exact: true }).fill('visitor@example.com');
    await widget.locator('.card').getByRole('button', { name: 'Send', exact: true }).click();
    await expect.poll(() => widget.locator('.bot').last().innerText()).toContain('someone will get back to you soon');

    // Paste a provider key (the fake provider checks it), and see where data goes.
    await nav('Keys & privacy').click();
    await expect.poll(() => heading().innerText()).toBe('Keys & privacy');
    const openai = page.locator('.key-card[data-provider=openai]');
    await openai.getByLabel('Paste your key').fill('sk-owner-test-key-0000000000004242');
    await openai.getByRole('button', { name: 'Save key for OpenAI' }).click();
    await expect.poll(() => openai.locator('.key-facts').innerText().catch(() => '')).toContain('•••• 4242');
    expect(await openai.locator('.badge').innerText()).toBe('Working');
    // Where data goes, in the API's words (GET /v1/bots/{botId}/data-flow).
    const flow = page.locator('dl.flow');
    await expect.poll(() => flow.innerText().catch(() => '')).toContain('Answers are written by Parley itself, quoting your documents: no question or passage leaves Parley.');
    const flowText = await flow.innerText();
    expect(flowText).toContain('Documents and questions are indexed by Parley itself: nothing is sent out to index them.');
    expect(flowText).toMatch(/stored on this computer, .+, sealed with a key of this account's own/);
    expect(flowText).toContain('Parley never uses your data to train models.');
    expect(flowText).toContain('Requests for a person and leads are kept');
    await capture(page, 'keys');

    // Read the conversation, with its citation, and export it.
    await nav('Bots').click();
    await page.getByRole('link', { name: 'Acme Help' }).click();
    await tab('Conversations').click();
    // What the visitor left for the owner comes first, and its conversation is marked.
    const forYou = page.locator('.contacts');
    await expect.poll(() => forYou.innerText().catch(() => '')).toContain('Can I return a gift without the receipt?');
    expect(await forYou.innerText()).toContain('Wants a person');
    expect(await forYou.innerText()).toContain('visitor@example.com');
    await expect.poll(() => page.locator('.conv').first().innerText()).toContain('Needs you');
    await page.getByRole('button', { name: new RegExp(QUESTION.replace('?', '\\?')) }).click();
    const transcript = page.locator('.conv-detail');
    await expect.poll(() => transcript.locator('.answer').first().innerText().catch(() => '')).toContain('within 30 days of delivery');
    await transcript.locator('.sources summary').first().click();
    expect(await transcript.locator('.sources').first().innerText()).toContain('returns-policy.pdf');
    // Who answered and when it goes, in plain words: no token count for an answer no AI provider wrote.
    expect(await transcript.locator('.bubble.bot .muted.small').first().innerText()).toMatch(/· answered by Parley \(no AI provider\)$/);
    expect(await transcript.innerText()).not.toMatch(/tokens?\b/);
    expect(await transcript.locator('.card-head').innerText()).toMatch(/· will be deleted on \w{3} \d{1,2}, \d{4}/);
    await capture(page, 'conversations');

    // Search by text: conversations are sealed, so the server opens them; case and accents do not matter.
    const searchBox = page.getByRole('searchbox', { name: 'Search conversations' });
    const searchStatus = page.locator('.search-status');
    await searchBox.fill('WITHIN 30 DAYS');
    await expect.poll(() => searchStatus.innerText().catch(() => ''), { timeout: 5000 }).toBe('1 conversation mentions “WITHIN 30 DAYS”.');
    const results = page.getByRole('list', { name: 'Conversations mentioning WITHIN 30 DAYS' });
    expect((await results.locator('mark').first().innerText()).toLowerCase()).toBe('within 30 days');
    expect(await results.innerText()).toContain('In an answer');
    await capture(page, 'conversations-search');
    await searchBox.fill('Délivery');
    await expect.poll(() => searchStatus.innerText().catch(() => ''), { timeout: 5000 }).toBe('1 conversation mentions “Délivery”.');
    await searchBox.fill('gift voucher');
    await expect.poll(() => searchStatus.innerText().catch(() => ''), { timeout: 5000 }).toBe('No conversation mentions “gift voucher”.');
    expect(await page.locator('.conv-list').innerText()).toContain('Nothing found');
    await searchBox.fill('');
    await expect.poll(() => page.getByRole('list', { name: 'Conversations', exact: true }).locator('li').count(), { timeout: 5000 }).toBe(1);
    const [download] = await Promise.all([page.waitForEvent('download'), transcript.getByRole('button', { name: 'Export this conversation as JSON' }).click()]);
    const exported = JSON.parse(await fs.readFile(await download.path(), 'utf8')) as { turns: Array<{ question: string; citations: Array<{ document: string }> }> };
    expect(download.suggestedFilename()).toMatch(/^conversation-[0-9A-Z]{26}\.json$/);
    expect(exported.turns[0]?.question).toBe(QUESTION);
    expect(exported.turns[0]?.citations.map((c) => c.document)).toContain('returns-policy.pdf');

    // The owner's correction becomes a Q&A source of the bot.
    await transcript.getByText('Improve this answer').click();
    await transcript.getByLabel('The right answer').fill('Within 30 days of delivery, for a full refund. Start from your account page.');
    await transcript.getByRole('button', { name: 'Teach the bot this answer' }).click();
    await page.locator('.toast', { hasText: 'your bot has learned the improved answer' }).waitFor();

    // A request for a person, once dealt with, is marked as handled (after confirming) and leaves the list.
    await forYou.getByRole('button', { name: 'Mark as handled: request from visitor@example.com' }).click();
    const handledDialog = page.getByRole('dialog', { name: 'Mark this request as handled?' });
    await handledDialog.waitFor();
    expect(await handledDialog.innerText()).toContain('The conversation itself stays.');
    await handledDialog.getByRole('button', { name: 'Mark as handled' }).click();
    await expect.poll(() => page.locator('.contacts').count()).toBe(0);
    await expect.poll(() => page.locator('.conv').first().innerText()).not.toContain('Needs you');
    expect(await page.locator('.conv').count()).toBe(1);

    // Delete a document, after confirming.
    await tab('Training data').click();
    await docs.first().waitFor();
    // Escape cancels; the confirmation's own button deletes.
    await page.getByRole('button', { name: 'Delete shipping.md' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete “shipping.md”?' });
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await docs.filter({ hasText: 'shipping.md' }).count()).toBe(1);
    await page.getByRole('button', { name: 'Delete shipping.md' }).click();
    // The viewport only: a modal's backdrop covers the view, not the whole page.
    await capture(page, 'confirm-delete', false);
    await dialog.getByRole('button', { name: 'Delete document' }).click();
    await expect.poll(() => docs.filter({ hasText: 'shipping.md' }).count()).toBe(0);
    const names = await docs.locator('.name').allInnerTexts();
    expect(names.map((n) => n.replace(/\s*Ready$/, ''))).toEqual([
      'Improved answer: How long do I have to return an item?.md',
      '<img src=x onerror="alert(1)">Opening hours.txt',
      'returns-policy.pdf',
    ]);
    // The panel says what visitors see as each typed source's name; an uploaded file is seen by its own name.
    const facts = await docs.locator('.doc-main > .muted').allInnerTexts();
    expect(facts[0]).toContain('visitors see “How long do I have to return an item?”');
    expect(facts[1]).toContain('visitors see “<img src=x onerror="alert(1)">Opening hours”');
    expect(facts[2]).not.toContain('visitors see');

    await tab('Settings').click();
    await page.getByLabel('Welcome message').fill('Hi! Ask me about returns and shipping.');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.locator('.toast', { hasText: 'Saved.' }).waitFor();
    await capture(page, 'settings');

    // The bot as the API has it.
    const botId = /#\/bots\/(\w+)/.exec(page.url())![1]!;
    const apiBot = () => page.evaluate<Record<string, unknown>>(`fetch('/v1/bots/${botId}', { headers: { authorization: 'Bearer ' + JSON.parse(sessionStorage.getItem('parley-admin:session')).token } })
      .then((r) => r.json()).then((b) => b.bot)`);
    const save = page.getByRole('button', { name: 'Save changes' });
    const formError = page.locator('.sticky-actions .form-error');

    // The contact form: shown after an answer, with fields of the owner's own; an empty label is refused in words.
    await page.getByRole('switch', { name: 'Ask visitors for their contact details' }).check();
    await page.getByLabel('When to ask').selectOption('during');
    await page.getByRole('button', { name: 'Add a field' }).click();
    await save.click();
    expect(await formError.innerText()).toBe('Every contact form field needs a label, or remove the empty one.');
    const leadFields = page.locator('.lead-field');
    await leadFields.nth(0).getByLabel('Label').fill('Company');
    await leadFields.nth(0).getByLabel('Required').check();
    await page.getByRole('button', { name: 'Add a field' }).click();
    await leadFields.nth(1).getByLabel('Label').fill('Phone (mobile)');
    await leadFields.nth(1).getByLabel('Kind of answer').selectOption('tel');

    // Spending limits, in tokens and dollars: mistakes are explained beside the field.
    await page.getByLabel('Dollars per day').fill('-3');
    await save.click();
    expect(await formError.innerText()).toBe('Check the spending limits: Enter an amount in dollars, such as 5 or 12.50.');
    expect(await page.getByLabel('Dollars per day').getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('Dollars per day').fill('2.50');
    await page.getByLabel('Tokens per day').fill('5000000');
    await page.getByLabel('Tokens per month').fill('1000000');
    await save.click();
    expect(await formError.innerText()).toBe('Check the spending limits: The daily limit cannot be more than the monthly one.');
    await page.getByLabel('Tokens per day').fill('100000');
    await page.getByLabel('Dollars per month').fill('40');
    await page.getByRole('switch', { name: 'Paused' }).check();

    // Indexing with OpenAI: the warning says, before saving, that every document is re-indexed and sent to OpenAI.
    const warning = page.locator('.warning');
    expect(await warning.isVisible()).toBe(false);
    await page.getByRole('radio', { name: /With OpenAI/ }).check();
    await page.getByLabel('Detail', { exact: true }).selectOption('256');
    expect(await page.getByText('More detail means slightly better matching of questions to your documents, and more storage for the index.').isVisible()).toBe(true);
    expect(await warning.innerText()).toContain('Changing this re-indexes every document of this bot.');
    expect(await warning.innerText()).toContain('the text of all of this bot’s documents, and each visitor question, is sent to OpenAI');
    await capture(page, 'settings-editors');
    await save.click();
    const reindex = page.getByRole('dialog', { name: 'Re-index every document?' });
    await reindex.waitFor();
    expect(await reindex.innerText()).toContain('sent to OpenAI');
    await capture(page, 'confirm-reindex', false);
    await reindex.getByRole('button', { name: 'Save and re-index' }).click();
    await page.locator('.toast', { hasText: 'Saved. Your documents are being re-indexed.' }).waitFor();
    expect(await apiBot()).toMatchObject({
      leadForm: { when: 'during', fields: [{ name: 'company', label: 'Company', type: 'text', required: true }, { name: 'phone_mobile', label: 'Phone (mobile)', type: 'tel', required: false }] },
      budget: { dailyTokens: 100_000, monthlyTokens: 1_000_000, dailyCostMicros: 2_500_000, monthlyCostMicros: 40_000_000 },
      embedding: { provider: 'openai', dimensions: 256 },
      paused: true,
    });
    // Saved: the form starts again from what was saved, without the warning; resuming needs no re-index.
    expect(await warning.isVisible()).toBe(false);
    expect(await page.getByLabel('Dollars per day').inputValue()).toBe('2.5');
    await page.getByRole('switch', { name: 'Paused' }).uncheck();
    await save.click();
    await expect.poll(async () => (await apiBot()).paused).toBe(false);
    expect(await page.getByRole('dialog').count()).toBe(0);
    // The contact form switches off again, and stays off after the page is drawn anew.
    await page.getByRole('switch', { name: 'Ask visitors for their contact details' }).uncheck();
    await save.click();
    await expect.poll(async () => (await apiBot()).leadForm).toBeUndefined();
    expect(await page.getByRole('switch', { name: 'Ask visitors for their contact details' }).isChecked()).toBe(false);

    // Usage this month: one answer, by the local answerer; the key change is in the activity log.
    await nav('Account').click();
    await expect.poll(() => heading().innerText()).toBe('Acme Outdoor');
    await expect.poll(() => page.locator('.stat-value').first().innerText().catch(() => '')).toBe('1');
    expect(await page.locator('svg.chart').first().getAttribute('aria-label')).toBe('Answers, by who paid: Your keys 0, Parley’s keys 0, No provider 1');
    await expect.poll(() => page.locator('table').last().innerText().catch(() => '')).toContain('Added a provider key');
    // The log filters by kind of action.
    const log = page.locator('section.card', { has: page.getByRole('heading', { name: 'Activity log' }) }).locator('table');
    await expect.poll(() => log.innerText().catch(() => '')).toContain('Created a bot');
    await page.getByLabel('Show').selectOption('key');
    await expect.poll(() => log.innerText().catch(() => '')).toMatch(/^(?![\s\S]*Created a bot)[\s\S]*Added a provider key/);
    await page.getByLabel('Show').selectOption('');
    await expect.poll(() => log.innerText().catch(() => '')).toContain('Created a bot');
    // Named in words: the bot by its name and the member by their address, never by an id.
    const created = log.locator('tr', { hasText: 'Created a bot' }).first();
    expect(await created.innerText()).toContain('Acme Help');
    expect(await created.innerText()).toContain('owner@acme.example');
    expect(await log.innerText()).not.toMatch(/\b[0-9A-HJKMNP-TV-Z]{26}\b/);
    // Documents by their names, and a taught answer as what it is.
    expect(await log.innerText()).toContain('Uploaded “shipping.md”');
    expect(await log.innerText()).toContain('Improved an answer: “Improved answer: How long do I have to return an item?.md”');

    // Invite a teammate: the invitation is listed until they sign in.
    const team = page.locator('section.card', { has: page.getByRole('heading', { name: 'Team' }) });
    await expect.poll(() => team.locator('table.team').innerText().catch(() => '')).toContain('owner@acme.example');
    await team.getByLabel('E-mail address').fill('not-an-address');
    await team.getByRole('button', { name: 'Invite' }).click();
    expect(await team.locator('.form-error').innerText()).toContain('Enter their e-mail address');
    await team.getByLabel('E-mail address').fill('sam@acme.example');
    await team.getByLabel('Role', { exact: true }).selectOption('admin');
    await team.getByRole('button', { name: 'Invite' }).click();
    await page.locator('.toast', { hasText: 'An invitation e-mail with a temporary password is on its way to sam@acme.example' }).waitFor();
    await expect.poll(() => team.locator('table.invitations').innerText().catch(() => '')).toContain('sam@acme.example');
    expect(await team.locator('table.invitations').innerText()).toContain('Admin');
    // Cognito sends the invitation again, with a new temporary password.
    await team.getByRole('button', { name: 'Resend invitation to sam@acme.example' }).click();
    await page.locator('.toast', { hasText: 'The invitation was sent to sam@acme.example again' }).waitFor();
    // Your own row says "You" and offers nothing that could only fail: the sole owner can neither step down nor leave.
    const myRow = team.locator('table.team tbody tr', { hasText: 'owner@acme.example' });
    expect(await myRow.locator('.badge').innerText()).toBe('You');
    expect(await myRow.locator('td').nth(1).innerText()).toBe('Owner');
    expect(await myRow.locator('select, button').count()).toBe(0);
    expect(await team.getByRole('button', { name: /^Remove / }).count()).toBe(0);

    // Export all the account's data: progress, then links to files on the document store.
    const exporting = page.locator('section.card', { has: page.getByRole('heading', { name: 'Export all your data' }) });
    await exporting.getByRole('button', { name: 'Export all your data' }).click();
    const links = exporting.locator('a[download]');
    await expect.poll(() => links.count(), { timeout: 30_000 }).toBeGreaterThan(0);
    expect(await exporting.innerText()).toContain('Ready');
    const downloads = await page.evaluate<Array<{ name: string; href: string }>>(`[...document.querySelectorAll('a[download]')].map((a) => ({ name: a.getAttribute('download'), href: a.href }))`);
    const archive = downloads.find((d) => d.name.endsWith('.json'));
    expect(archive, JSON.stringify(downloads)).toBeDefined();
    const res = await fetch(archive!.href);
    expect(res.status).toBe(200);
    const data = JSON.parse(await res.text()) as Record<string, unknown>;
    expect(JSON.stringify(data)).toContain('Acme Help');
    expect(JSON.stringify(data)).not.toContain('sk-owner-test-key');
    await capture(page, 'account');
    // The invitation can be withdrawn before it is accepted.
    await team.getByRole('button', { name: 'Cancel invitation to sam@acme.example' }).click();
    await expect.poll(() => team.locator('table.invitations').count()).toBe(0);

    // Coming back later, the export is found with its status and fresh download links.
    await nav('Keys & privacy').click();
    await expect.poll(() => heading().innerText()).toBe('Keys & privacy');
    await nav('Account').click();
    const kept = exporting.locator('ul.exports > li');
    await expect.poll(() => kept.count(), { timeout: 5000 }).toBe(1);
    expect(await kept.first().innerText()).toMatch(/Ready[\s\S]*1 bot, \d+ documents? and 1 conversation/);
    await expect.poll(() => kept.first().locator('a[download]').count(), { timeout: 5000 }).toBeGreaterThan(0);
    expect(await exporting.innerText()).toMatch(/these links work until/);
    expect(await exporting.getByRole('button', { name: 'Export all your data' }).isVisible()).toBe(true);
    await exporting.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(RESULTS, 'admin-account-exports.png'), clip: (await exporting.boundingBox())! });

    await nav('Bots').click();
    await page.locator('.bot-card').waitFor();
    await capture(page, 'bots');
    expect(problems).toEqual([]);
  });

  it('fits a phone', async () => {
    const phone = await browser().newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const p = await phone.newPage();
    // The same tab session as the laptop test.
    const session = await page.evaluate<string>(`sessionStorage.getItem('parley-admin:session')`);
    await p.addInitScript(`sessionStorage.setItem('parley-admin:session', ${JSON.stringify(session)})`);
    await p.goto(`${platform().apiUrl}/admin/#/`);
    await p.locator('.bot-card').waitFor();
    await p.locator('.bot-card a').first().click();
    await p.locator('li.doc').first().waitFor();
    const overflow = await p.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow).toBe(0);
    await p.screenshot({ path: path.join(RESULTS, 'admin-phone-training-data.png'), fullPage: true });
    expect(await axeViolations(p)).toEqual([]);
    await p.locator('nav.tabs').getByRole('link', { name: 'Try it' }).click();
    await p.locator('parley-widget').getByRole('textbox', { name: 'Your question' }).waitFor();
    expect(await p.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth')).toBe(0);
    await p.evaluate('window.scrollTo(0, 0)');
    await p.screenshot({ path: path.join(RESULTS, 'admin-phone-try-it.png'), fullPage: true });
    expect(await axeViolations(p)).toEqual([]);
    // The new editors fit too.
    await p.locator('nav.tabs').getByRole('link', { name: 'Settings' }).click();
    await p.getByRole('switch', { name: 'Ask visitors for their contact details' }).waitFor();
    expect(await p.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth')).toBe(0);
    await p.screenshot({ path: path.join(RESULTS, 'admin-phone-settings.png'), fullPage: true });
    expect(await axeViolations(p)).toEqual([]);
    await p.locator('nav.tabs').getByRole('link', { name: 'Conversations' }).click();
    await p.getByRole('searchbox', { name: 'Search conversations' }).fill('return');
    await expect.poll(() => p.locator('.search-status').innerText().catch(() => ''), { timeout: 5000 }).toContain('mentions “return”');
    expect(await p.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth')).toBe(0);
    await p.screenshot({ path: path.join(RESULTS, 'admin-phone-conversations-search.png'), fullPage: true });
    expect(await axeViolations(p)).toEqual([]);
    await p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Account' }).click();
    await p.locator('table.team').waitFor();
    // The team and the activity log are stacked rows on a phone ("label: value"), not tables that scroll sideways.
    await p.locator('section.card', { has: p.getByRole('heading', { name: 'Activity log' }) }).locator('table').waitFor();
    expect(await p.evaluate<boolean>(`[...document.querySelectorAll('.table-wrap')].every((w) => w.scrollWidth <= w.clientWidth)`)).toBe(true);
    expect(await p.evaluate<string>(`getComputedStyle(document.querySelector('table.team tbody td[data-label="Role"]'), '::before').content`)).toBe('"Role"');
    expect(await p.evaluate<number>(`document.querySelector('table.team thead').getBoundingClientRect().height`)).toBeLessThanOrEqual(1);
    await p.locator('section.card', { has: p.getByRole('heading', { name: 'Team' }) }).screenshot({ path: path.join(RESULTS, 'admin-phone-team.png') });
    const logCard = p.locator('section.card', { has: p.getByRole('heading', { name: 'Activity log' }) });
    await logCard.scrollIntoViewIfNeeded();
    const logBox = (await logCard.boundingBox())!;
    await p.screenshot({ path: path.join(RESULTS, 'admin-phone-activity.png'), fullPage: true, clip: { x: logBox.x, y: logBox.y + (await p.evaluate<number>('scrollY')), width: logBox.width, height: Math.min(logBox.height, 700) } });
    await p.screenshot({ path: path.join(RESULTS, 'admin-phone-account.png'), fullPage: true });
    expect(await p.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth')).toBe(0);
    await p.evaluate('window.scrollTo(0, 0)');
    await p.screenshot({ path: path.join(RESULTS, 'admin-phone-account.png'), fullPage: true });
    expect(await axeViolations(p)).toEqual([]);
    await phone.close();
  });

  it('wraps long names instead of pushing the page sideways, on a laptop and on a phone', async () => {
    // 80 characters, the most a bot's name may have, without a space to break at.
    const name = 'A'.repeat(80);
    const session = await page.evaluate<string>(`sessionStorage.getItem('parley-admin:session')`);
    const token = (JSON.parse(session) as { token: string }).token;
    const api = (method: string, route: string, body?: unknown) => fetch(`${platform().apiUrl}${route}`, {
      method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const created = await api('POST', '/v1/bots', { name });
    expect(created.status).toBe(201);
    const botId = ((await created.json()) as { bot: { botId: string } }).bot.botId;
    const fits = (p: Page) => p.evaluate<boolean>('document.documentElement.scrollWidth <= innerWidth');
    try {
      for (const viewport of [{ width: 1280, height: 860 }, { width: 390, height: 844 }]) {
        const ctx = await browser().newContext({ viewport, ...(viewport.width < 600 ? { isMobile: true, hasTouch: true } : {}) });
        const p = await ctx.newPage();
        await p.addInitScript(`sessionStorage.setItem('parley-admin:session', ${JSON.stringify(session)})`);
        const size = viewport.width < 600 ? 'phone' : 'laptop';
        await p.goto(`${platform().apiUrl}/admin/#/`);
        await p.locator('.bot-card h2', { hasText: name }).waitFor();
        expect(await fits(p), `bots, ${size}`).toBe(true);
        await p.screenshot({ path: path.join(RESULTS, `admin-long-name-bots-${size}.png`), fullPage: true });
        await p.goto(`${platform().apiUrl}/admin/#/bots/${botId}/data`);
        await p.getByText('No training data yet').waitFor();
        expect(await p.locator('h1').innerText()).toBe(name);
        expect(await fits(p), `training data, ${size}`).toBe(true);
        await p.goto(`${platform().apiUrl}/admin/#/bots/${botId}/try`);
        await p.locator('parley-widget').getByRole('textbox', { name: 'Your question' }).waitFor();
        expect(await fits(p), `try it, ${size}`).toBe(true);
        // The snippet stays inside its card, and its Copy button on screen.
        const cardBox = (await p.locator('.card', { has: p.locator('.snippet') }).boundingBox())!;
        const snippetBox = (await p.locator('.snippet').boundingBox())!;
        expect(snippetBox.x + snippetBox.width).toBeLessThanOrEqual(cardBox.x + cardBox.width);
        const copy = p.getByRole('button', { name: 'Copy the embed snippet' });
        await copy.scrollIntoViewIfNeeded();
        const copyBox = (await copy.boundingBox())!;
        expect(copyBox.x).toBeGreaterThanOrEqual(0);
        expect(copyBox.x + copyBox.width).toBeLessThanOrEqual(viewport.width);
        await p.evaluate('window.scrollTo(0, 0)');
        await p.screenshot({ path: path.join(RESULTS, `admin-long-name-try-it-${size}.png`), fullPage: true });
        expect(await axeViolations(p), `try it, ${size}`).toEqual([]);
        await ctx.close();
      }
    } finally {
      expect((await api('DELETE', `/v1/bots/${botId}`)).status).toBe(204);
    }
  });

  it('works with a keyboard alone, moving focus to each new page’s heading', async () => {
    const focused = () => page.evaluate<string>(`(() => { const el = document.activeElement; return el ? el.tagName.toLowerCase() + ':' + (el.getAttribute('aria-label') || el.textContent || '').trim() : ''; })()`);
    const tabTo = async (target: string, key = 'Tab') => {
      for (let i = 0; i < 25 && (await focused()) !== target; i++) await page.keyboard.press(key);
      expect(await focused()).toBe(target);
    };
    await page.goto(`${platform().apiUrl}/admin/#/`);
    await page.locator('.bot-card').waitFor();
    await tabTo('a:Acme Help');
    await page.keyboard.press('Enter');
    await expect.poll(focused).toBe('h1:Acme Help');
    await tabTo('a:Settings');
    await page.keyboard.press('Enter');
    await expect.poll(focused).toBe('h1:Acme Help');
    await tabTo('input:');
    expect(await page.evaluate<string>('document.activeElement.name')).toBe('name');
    // Tabbing down the settings, the focused control scrolls clear of the sticky "Save changes" bar.
    const contactSwitch = page.getByRole('switch', { name: 'Ask visitors for their contact details' });
    const onSwitch = () => page.evaluate<boolean>(`document.activeElement?.getAttribute('role') === 'switch' && document.activeElement.labels[0]?.textContent === 'Ask visitors for their contact details'`);
    for (let i = 0; i < 25 && !(await onSwitch()); i++) await page.keyboard.press('Tab');
    expect(await onSwitch()).toBe(true);
    const switchBox = (await contactSwitch.boundingBox())!;
    const barBox = (await page.locator('.sticky-actions').boundingBox())!;
    expect(switchBox.y + switchBox.height).toBeLessThanOrEqual(barBox.y);
    expect(switchBox.y).toBeGreaterThanOrEqual(0);
    await page.screenshot({ path: path.join(RESULTS, 'admin-keyboard-settings-focus.png') });

    // Searching conversations and opening a result, by keyboard.
    await tabTo('a:Conversations', 'Shift+Tab');
    await page.keyboard.press('Enter');
    await expect.poll(focused).toBe('h1:Acme Help');
    await tabTo('input:');
    expect(await page.evaluate<string>('document.activeElement.name')).toBe('q');
    await page.keyboard.type('refund');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.search-status').innerText().catch(() => ''), { timeout: 5000 }).toBe('1 conversation mentions “refund”.');
    await page.keyboard.press('Tab');
    expect(await page.evaluate<boolean>(`document.activeElement.classList.contains('conv')`)).toBe(true);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.conv-detail .answer').first().innerText().catch(() => '')).toContain('full refund');

    // Opening the preview, tabbing into its question box and asking leave the page where it is: the whole
    // preview fits in the window, so the browser never scrolls the page to show what is typed; only the chat's log scrolls.
    await page.evaluate('window.scrollTo(0, 0)');
    await tab('Try it').click();
    const box = page.locator('parley-widget').getByRole('textbox', { name: 'Your question' });
    await box.waitFor();
    expect(await focused()).toBe('h1:Acme Help');
    const inBox = () => page.evaluate<boolean>(`document.activeElement?.shadowRoot?.activeElement?.getAttribute('aria-label') === 'Your question'`);
    const before = await page.evaluate<number>('window.scrollY');
    for (let i = 0; i < 15 && !(await inBox()); i++) await page.keyboard.press('Tab');
    expect(await inBox()).toBe(true);
    const bots = page.locator('parley-widget .bot');
    const shown = await bots.count();
    await page.keyboard.type('How long do I have to return an item?');
    await page.keyboard.press('Enter');
    await expect.poll(() => bots.count(), { timeout: 10_000 }).toBeGreaterThan(shown);
    await page.locator('parley-widget .send[aria-label="Send"]').waitFor();
    expect(await bots.last().locator('.b').innerText()).not.toBe('');
    expect(await page.evaluate<number>('window.scrollY')).toBe(before);
    await page.screenshot({ path: path.join(RESULTS, 'admin-keyboard-try-it.png') });
  });

  it('says in plain words when something fails, and tries again', async () => {
    // The server fails once, then answers.
    let failures = 1;
    await page.route('**/v1/keys', (route) => failures-- > 0
      ? route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: { code: 'internal', message: 'Something went wrong on our side. Please try again.' } }) })
      : route.continue());
    await nav('Keys & privacy').click();
    const alert = page.locator('.keys [role=alert]');
    await expect.poll(() => alert.innerText().catch(() => '')).toContain('Something went wrong on our side. Please try again.');
    await alert.getByRole('button', { name: 'Try again' }).click();
    await page.locator('.key-card[data-provider=openai] .key-facts').waitFor();
    await page.unroute('**/v1/keys');

    // A file the panel cannot use is refused before anything is sent.
    await nav('Bots').click();
    await page.getByRole('link', { name: 'Acme Help' }).click();
    await page.locator('li.doc').first().waitFor();
    await page.locator('input[type=file]').setInputFiles({ name: 'setup.exe', mimeType: 'application/octet-stream', buffer: Buffer.from('MZ') });
    expect(await page.locator('.upload-row.failed').innerText()).toContain('This type of file cannot be used. Use PDF, Word, HTML, Markdown, CSV or plain text.');

    // A file with the same content as another is refused; processing it again would only fail again, so it is not offered.
    const docs = page.locator('li.doc');
    await page.locator('input[type=file]').setInputFiles({ name: 'faq.md', mimeType: 'text/markdown', buffer: Buffer.from('# FAQ\n\nGift cards never expire.\n') });
    await expect.poll(() => docs.filter({ hasText: 'faq.md' }).locator('.badge').innerText().catch(() => ''), { timeout: 10_000 }).toBe('Ready');
    // The listing after the upload is held back until the copy has most likely failed already: the panel never
    // sees it pending, and must still say what became of it.
    await page.route('**/v1/bots/*/documents', async (route) => {
      if (route.request().method() === 'GET') await new Promise((r) => setTimeout(r, 1_500));
      await route.continue();
    });
    await page.locator('input[type=file]').setInputFiles({ name: 'faq-copy.md', mimeType: 'text/markdown', buffer: Buffer.from('# FAQ\n\nGift cards never expire.\n') });
    const copy = docs.filter({ hasText: 'faq-copy.md' });
    await expect.poll(() => copy.locator('.badge').innerText().catch(() => ''), { timeout: 10_000 }).toBe('Failed');
    await page.unroute('**/v1/bots/*/documents');
    expect(await copy.locator('.doc-error').innerText()).toBe('This file has the same content as "faq.md", which this bot already has.');
    // Screen readers hear what became of it in words.
    expect(await page.locator('.doc-list + p[aria-live], [aria-live=polite].sr-only').first().innerText()).toBe('faq-copy.md could not be used: This file has the same content as "faq.md", which this bot already has.');
    expect(await page.getByRole('button', { name: 'Process again faq-copy.md' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Delete faq-copy.md' }).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Process again faq.md' }).count()).toBe(1);
  });

  it('asks to sign in again when the session has ended, then returns to the same page', async () => {
    expect(await heading().innerText()).toBe('Acme Help');
    const before = page.url();
    await page.evaluate(`(() => {
      const s = JSON.parse(sessionStorage.getItem('parley-admin:session'));
      sessionStorage.setItem('parley-admin:session', JSON.stringify({ ...s, token: 'expired.token.value' }));
    })()`);
    await page.reload();
    await expect.poll(() => heading().innerText()).toBe('Sign in');
    expect(await page.locator('.notice').innerText()).toBe('Your session ended. Sign in again to carry on where you were.');
    // The address still names the page they were on.
    expect(page.url()).toBe(before);
    await capture(page, 'session-ended');
  });

  it('deletes the account after its name is typed, and signs out', async () => {
    await page.getByLabel('E-mail address').fill('owner@acme.example');
    await page.getByRole('button', { name: 'Continue' }).click();
    // Back on the page they were on when the session ended.
    await expect.poll(() => heading().innerText()).toBe('Acme Help');
    await page.locator('li.doc').first().waitFor();
    await nav('Account').click();
    await expect.poll(() => heading().innerText()).toBe('Acme Outdoor');
    await page.getByRole('button', { name: 'Delete this account' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete Acme Outdoor?' });
    await dialog.waitFor();
    const confirm = dialog.getByRole('button', { name: 'Delete this account' });
    // Nothing happens until the name is typed exactly.
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel('Type “Acme Outdoor” to confirm').fill('Acme');
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel('Type “Acme Outdoor” to confirm').fill('Acme Outdoor');
    await capture(page, 'confirm-delete-account', false);
    await confirm.click();
    await expect.poll(() => heading().innerText(), { timeout: 15_000 }).toBe('Sign in');
    expect(await page.locator('.notice').innerText()).toBe('Acme Outdoor and all its data were deleted.');
    await capture(page, 'account-deleted');
    // Signing in again starts from nothing.
    await page.getByLabel('E-mail address').fill('owner@acme.example');
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect.poll(() => heading().innerText()).toBe('Welcome to Parley');
  });
});
