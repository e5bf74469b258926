/** The README's curl walkthrough, run as written against a fresh platform, so the docs stay true. */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { usePlatform } from './fixtures/platform.ts';

const README = path.resolve(import.meta.dirname, '../../README.md');

describe('the README', () => {
  const platform = usePlatform();

  it('walks through sign-in, bot, upload and a cited answer with curl', async () => {
    const readme = await fs.readFile(README, 'utf8');
    const section = readme.slice(readme.indexOf('## Try it with curl'));
    const script = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
    expect(script).toContain('API=http://127.0.0.1:8787');
    const cwd = await fs.mkdtemp(path.join(os.tmpdir(), 'parley-readme-'));
    try {
      const { stdout } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', script!.replace('API=http://127.0.0.1:8787', `API=${platform().apiUrl}`)], {
        cwd,
        env: { ...process.env, PATH: `${path.dirname(process.execPath)}:${process.env.PATH ?? ''}` },
        timeout: 30_000,
      });
      expect(stdout).toContain('"status":"ready"');
      expect(stdout).toContain('event: sources');
      expect(stdout).toContain('"document":"faq.md"');
      expect(stdout).toMatch(/event: delta[\s\S]*within 30 days[\s\S]*event: done/);
    } finally {
      await fs.rm(cwd, { recursive: true, force: true });
    }
  });
});
