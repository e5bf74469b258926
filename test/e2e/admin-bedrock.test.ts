// Amazon Bedrock in the panel, in real Chromium (issue 23): where the operator approved Bedrock models, a bot's
// settings offer them as a list (names and where they run) instead of a model name to type, and offer Bedrock
// embeddings to every bot, which re-indexes its documents through the fake Bedrock; where the operator approved
// none, the page offers no Bedrock at all (admin-no-bedrock.test.ts: the functions read their settings once a file).
// The account page shows what indexing documents and questions through Bedrock cost, beside the answers.
// Screenshots: test-results/admin-bedrock-settings.png, admin-bedrock-indexing.png, admin-bedrock-usage.png, admin-bedrock-usage-phone.png.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeBedrock, TITAN_EMBED_V2, type FakeBedrock } from '../fakes/bedrock-server.ts';
import { TEST_BEDROCK_MODELS } from '../iam/call-log-file.ts';
import { newOwner, uploadDocument, usePlatform, type Owner } from '../integration/fixtures/platform.ts';
import { axeViolations, openSettings, optionsOf } from './fixtures/admin-settings.ts';
import { useChromium } from './fixtures/chromium.ts';

const RESULTS = path.resolve(import.meta.dirname, '../../test-results');
const SLOW = { timeout: 15_000 };
const HOURS = '# Hours\n\nThe shop opens at nine in the morning and closes at six.\n';

describe('Amazon Bedrock in the panel, where the operator approved models', () => {
  let fake: FakeBedrock | undefined;
  beforeAll(async () => {
    fake = await startFakeBedrock();
    await fs.mkdir(RESULTS, { recursive: true });
  });
  const platform = usePlatform({ env: () => ({ PARLEY_BEDROCK_MODELS: TEST_BEDROCK_MODELS.join(','), PARLEY_BEDROCK_ENDPOINT: fake!.url }) });
  const browser = useChromium();
  const contexts: BrowserContext[] = [];
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await fake?.close();
  });
  const settingsOf = async (owner: Owner, botName?: string) => {
    const context = await browser().newContext({ viewport: { width: 1280, height: 1000 } });
    contexts.push(context);
    return openSettings(context, platform().apiUrl, owner.email, botName);
  };

  it('offers the approved models as a list, and saves the one chosen', async () => {
    const owner = await newOwner(platform());
    const page = await settingsOf(owner);

    expect(await optionsOf(page, 'Who writes the answers')).toContain('Amazon Bedrock');
    await page.getByLabel('Who writes the answers').selectOption('bedrock');
    const list = page.getByLabel('Model on Amazon Bedrock', { exact: true });
    expect(await optionsOf(page, 'Model on Amazon Bedrock')).toEqual(['Claude Sonnet 4.5 · EU (cross-region)', 'Amazon Nova Lite · eu-west-1']);
    // No model name to type on Bedrock.
    expect(await page.getByLabel('Model', { exact: true }).isVisible()).toBe(false);
    await list.selectOption('amazon.nova-lite-v1:0');
    await expect.poll(() => page.getByText('Requests are processed in the AWS region eu-west-1 (Ireland).').isVisible()).toBe(true);
    await list.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(RESULTS, 'admin-bedrock-settings.png') });
    expect(await axeViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Save changes' }).click();

    const saved = async () => (await owner.request<{ bot: { model?: unknown } }>('GET', `/v1/bots/${owner.botId}`)).body.bot.model;
    await expect.poll(saved, SLOW).toEqual({ provider: 'bedrock', model: 'amazon.nova-lite-v1:0' });
    // Shown again as saved, after the page starts over from the answer.
    await expect.poll(() => page.getByLabel('Model on Amazon Bedrock', { exact: true }).inputValue()).toBe('amazon.nova-lite-v1:0');
  });

  it('offers Bedrock embeddings to a bot that indexes on Parley, and re-indexes its documents through Bedrock', async () => {
    const owner = await newOwner(platform());
    const local = await owner.request<{ bot: { botId: string } }>('POST', '/v1/bots', { name: 'Shop floor', embedding: { provider: 'local' } });
    const botOwner = { ...owner, botId: local.body.bot.botId };
    const doc = await uploadDocument(platform(), botOwner, 'hours.md', HOURS);
    expect((await owner.request<{ documents: Array<{ embeddedWith?: string }> }>('GET', `/v1/bots/${botOwner.botId}/documents`)).body.documents[0]?.embeddedWith).not.toMatch(/titan/);
    fake!.reset();
    const page = await settingsOf(owner, 'Shop floor');

    await page.getByLabel(/With Amazon Bedrock/).check();
    expect(await optionsOf(page, 'Embedding model')).toEqual(['Titan Text Embeddings V2', 'Cohere Embed Multilingual v3']);
    await page.getByLabel('Embedding model', { exact: true }).selectOption('cohere.embed-multilingual-v3');
    expect(await optionsOf(page, 'Detail')).toEqual(['1024']);
    await page.getByLabel('Embedding model', { exact: true }).selectOption('amazon.titan-embed-text-v2:0');
    expect(await optionsOf(page, 'Detail')).toEqual(['256 (smallest, fastest)', '512', '1024 (most detailed)']);
    await page.getByLabel('Detail', { exact: true }).selectOption('512');
    await page.getByLabel(/With Amazon Bedrock/).scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(RESULTS, 'admin-bedrock-indexing.png') });
    expect(await axeViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('button', { name: 'Save and re-index' }).click();

    const embeddedWith = async () => (await owner.request<{ documents: Array<{ docId: string; status: string; embeddedWith?: string }> }>('GET', `/v1/bots/${botOwner.botId}/documents`)).body.documents.find((d) => d.docId === doc.docId);
    await expect.poll(embeddedWith, { timeout: 30_000 }).toMatchObject({ status: 'ready', embeddedWith: `${TITAN_EMBED_V2}@512` });
    expect((await owner.request<{ bot: { embedding?: unknown } }>('GET', `/v1/bots/${botOwner.botId}`)).body.bot.embedding).toEqual({ provider: 'bedrock', dimensions: 512 });
    expect(fake!.requests.filter((r) => r.endpoint === 'invoke').map((r) => [r.modelId, (r.body as { dimensions?: number }).dimensions])).toContainEqual([TITAN_EMBED_V2, 512]);
  });

  it('shows on the account page what indexing documents and questions cost, beside the answers', async () => {
    const owner = await newOwner(platform());
    fake!.reset();
    await uploadDocument(platform(), owner, 'hours.md', HOURS);
    const tokens = fake!.requests.filter((r) => r.modelId === TITAN_EMBED_V2).reduce((n, r) => n + (r.body as { inputText: string }).inputText.split(/\s+/).filter(Boolean).length, 0);
    expect(tokens).toBeGreaterThan(5);
    const context = await browser().newContext({ viewport: { width: 1280, height: 1000 } });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${platform().apiUrl}/admin/`);
    await page.getByLabel('E-mail address').fill(owner.email);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Account' }).click(SLOW);

    const usage = page.locator('section.card', { has: page.getByRole('heading', { name: 'Usage this month' }) });
    await expect.poll(() => usage.locator('.stat').nth(3).innerText().catch(() => ''), SLOW).toMatch(new RegExp(`^\\$0\\.00\\s+for indexing documents and questions \\(${tokens} tokens\\), at list prices$`));
    expect(await usage.locator('svg.chart').last().getAttribute('aria-label')).toBe(`Indexing tokens, by who paid: Your keys 0, Parley’s keys 0, Amazon Bedrock ${tokens}`);
    const table = usage.getByRole('table', { name: 'Usage by bot' });
    expect(await table.locator('thead').innerText()).toMatch(/Bot\s+Answers\s+Tokens\s+Indexing tokens\s+Cost/);
    expect(await table.locator('tbody tr').innerText()).toMatch(new RegExp(`Help desk\\s+0\\s+0\\s+${tokens}\\s+\\$0\\.00`));
    await usage.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(RESULTS, 'admin-bedrock-usage.png') });
    expect(await axeViolations(page)).toEqual([]);

    // On a phone the card, its table included, fits the width: nothing scrolls sideways.
    await page.setViewportSize({ width: 390, height: 844 });
    await usage.scrollIntoViewIfNeeded();
    expect(await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth')).toBe(0);
    expect(await usage.evaluate((card: { scrollWidth: number; clientWidth: number }) => card.scrollWidth - card.clientWidth)).toBe(0);
    await usage.screenshot({ path: path.join(RESULTS, 'admin-bedrock-usage-phone.png') });
  });
});
