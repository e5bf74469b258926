/**
 * The handlers as the stack bundles them (`bundleHandler`: esbuild, split into
 * chunks, the AWS SDK left to the runtime). The chat handler's entry file stays
 * within its budget, the provider code sits in chunks of its own, and those
 * chunks work once bundled: code that passes its tests unbundled can break when
 * a CommonJS package becomes a chunk (undici's named exports did).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createServer } from 'node:http';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleHandler, defaultHandlerEntry } from '../../infra/constructs/parley-function.ts';

/** Issue 10's budget for the chat handler, minified. */
const CHAT_ENTRY_BUDGET_BYTES = 400_000;
const repo = path.resolve(import.meta.dirname, '../..');
const dirs: string[] = [];
const fresh = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-bundle-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('handler bundles', () => {
  it(`keep the chat handler within ${CHAT_ENTRY_BUDGET_BYTES} bytes, with the provider code in chunks of its own`, () => {
    const out = fresh();
    bundleHandler(defaultHandlerEntry('chat-stream'), out);
    const entry = statSync(path.join(out, 'index.mjs')).size;
    console.log(`chat-stream index.mjs: ${entry} bytes (budget ${CHAT_ENTRY_BUDGET_BYTES})`);
    expect(entry).toBeLessThanOrEqual(CHAT_ENTRY_BUDGET_BYTES);
    const chunks = readdirSync(path.join(out, 'chunks')).filter((f) => f.endsWith('.mjs'));
    expect(chunks.some((f) => f.startsWith('undici-'))).toBe(true);
    expect(chunks.some((f) => f.startsWith('openai-'))).toBe(true);
  });

  it('load undici and both provider SDKs from their chunks when first used', async () => {
    const server = createServer((_req, res) => res.end('hello from loopback'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as AddressInfo).port;
      const dir = fresh();
      const probe = path.join(dir, 'probe.ts');
      writeFileSync(probe, `
        import { createGuardedFetch } from ${JSON.stringify(path.join(repo, 'lambdas/adapters/net/guarded-fetch.ts'))};
        import { loadAnthropic, loadOpenAi } from ${JSON.stringify(path.join(repo, 'lambdas/adapters/models/provider-sdks.ts'))};
        const fetch = createGuardedFetch({ allowHosts: ['127.0.0.1:${port}'], requireHttps: false });
        const text = await (await fetch('http://127.0.0.1:${port}/')).text();
        const OpenAI = await loadOpenAi();
        const Anthropic = await loadAnthropic();
        console.log(JSON.stringify({ text, openai: typeof OpenAI.APIError, anthropic: typeof Anthropic.APIError }));
      `);
      const out = path.join(dir, 'out');
      bundleHandler(probe, out);
      expect(readdirSync(path.join(out, 'chunks')).length).toBeGreaterThan(0);
      // Not execFileSync: the loopback server above answers on this process's event loop.
      const { stdout: printed } = await promisify(execFile)(process.execPath, [path.join(out, 'index.mjs')], { encoding: 'utf8', timeout: 30_000 });
      expect(JSON.parse(printed)).toEqual({ text: 'hello from loopback', openai: 'function', anthropic: 'function' });
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
