// Amazon Bedrock in the panel where the operator approved no Bedrock model (issue 23): a bot's settings offer no
// Bedrock, for answers or for indexing, and other providers keep their model name to type.
// Screenshot: test-results/admin-bedrock-none.png.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newOwner, usePlatform } from '../integration/fixtures/platform.ts';
import { openSettings, optionsOf } from './fixtures/admin-settings.ts';
import { useChromium } from './fixtures/chromium.ts';

const RESULTS = path.resolve(import.meta.dirname, '../../test-results');

describe('the panel where the operator approved no Bedrock model', () => {
  const platform = usePlatform();
  const browser = useChromium();
  const contexts: BrowserContext[] = [];
  beforeAll(() => fs.mkdir(RESULTS, { recursive: true }));
  afterAll(async () => {
    for (const c of contexts) await c.close();
  });

  it('offers no Amazon Bedrock, for answers or for indexing', async () => {
    const owner = await newOwner(platform());
    const context = await browser().newContext({ viewport: { width: 1280, height: 1000 } });
    contexts.push(context);
    const page = await openSettings(context, platform().apiUrl, owner.email);

    expect(await optionsOf(page, 'Who writes the answers')).not.toContain('Amazon Bedrock');
    expect(await page.getByLabel(/With Amazon Bedrock/).count()).toBe(0);
    await page.getByLabel('Who writes the answers').selectOption('openai');
    expect(await page.getByLabel('Model', { exact: true }).inputValue()).toBe('gpt-4.1-mini');
    await page.screenshot({ path: path.join(RESULTS, 'admin-bedrock-none.png') });
  });
});
