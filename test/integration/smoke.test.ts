// `npm run smoke` against the local platform, as an operator runs it after a deploy:
// from the CDK outputs file or the address, every check passes on a working stack,
// and a wrong bot id, a broken asset host or an unusable argument is said plainly.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newOwner, uploadDocument, useFakeProvider, usePlatform, type Owner } from './fixtures/platform.ts';

const SMOKE = path.resolve(import.meta.dirname, '../../infra/ops/smoke.ts');

/** Runs the command in its own process, as `npm run smoke -- …` does. */
const smoke = (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    execFile(process.execPath, [SMOKE, ...args], { encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });

/** The check lines, `mark name` → detail. */
const linesOf = (stdout: string): Record<string, string> =>
  Object.fromEntries(stdout.split('\n').filter((l) => /^[✓✗–] /.test(l)).map((l) => {
    const [head, ...rest] = l.split(': ');
    return [head!, rest.join(': ')];
  }));

describe('npm run smoke', () => {
  const fake = useFakeProvider();
  const platform = usePlatform({ env: () => ({ ...fake.env(), PARLEY_PLATFORM_OPENAI_KEY: 'sk-platform-0000000000000000000000platform' }) });
  let owner: Owner;
  let outputsFile: string;

  beforeAll(async () => {
    owner = await newOwner(platform());
    await uploadDocument(platform(), owner, 'hours.md', '# Hours\n\nThe shop opens at nine in the morning and closes at six.\n');
    // What `cdk deploy --outputs-file` writes: the us-east-1 WAF stack first, without an address.
    outputsFile = path.join(mkdtempSync(path.join(tmpdir(), 'parley-smoke-')), 'outputs.json');
    writeFileSync(outputsFile, JSON.stringify({
      ParleyEdge: { WebAclArn: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/parley/abc' },
      Parley: { Url: platform().apiUrl, UserPoolId: 'eu-west-1_abc', TableName: 'parley' },
    }));
  });

  it('passes every check on a working stack, read from the CDK outputs file', async () => {
    const run = await smoke(outputsFile, '--bot', owner.publicId, '--origin', 'http://localhost:8080', '--question', 'When does the shop open?');
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain(`Parley smoke check of ${platform().apiUrl}`);
    const lines = linesOf(run.stdout);
    expect(Object.keys(lines)).toEqual(['✓ widget.js', '✓ admin config', '✓ visitor session', '✓ streamed answer']);
    expect(lines['✓ widget.js']).toMatch(/^200, text\/javascript.*, \d+\.\d KB$/);
    expect(lines['✓ admin config']).toBe('local sign-in (the local platform), relay uploads');
    expect(lines['✓ visitor session']).toBe('bot "Help desk", a visitor token for http://localhost:8080');
    expect(lines['✓ streamed answer']).toMatch(/^sources, [1-9]\d* text events, done \(first byte \d+\.\d s, done in \d+\.\d s\); answered, paid by the local key$/);
    expect(run.stdout).toContain('4 passed, 0 failed, 0 skipped');
    expect(run.code).toBe(0);
  });

  it('says plainly that a bot id is wrong, skips the answer, and exits 1', async () => {
    const run = await smoke(`${platform().apiUrl}/admin/`, '--bot', 'pub_doesnotexist', '--timeout', '20');
    const lines = linesOf(run.stdout);
    expect(lines['✓ widget.js']).toBeDefined();
    expect(lines['✗ visitor session']).toBe('no bot has the public id "pub_doesnotexist" here (404): copy it from the bot\'s embed code in the admin panel');
    expect(lines['– streamed answer']).toBe('needs a visitor session');
    expect(run.stdout).toContain('2 passed, 1 failed, 1 skipped');
    expect(run.code).toBe(1);
  });

  it('skips the session and the answer without a bot id, and still passes', async () => {
    const run = await smoke(platform().apiUrl);
    expect(Object.keys(linesOf(run.stdout))).toEqual(['✓ widget.js', '✓ admin config', '– visitor session', '– streamed answer']);
    expect(run.stdout).toMatch(/– visitor session: give --bot <public id>/);
    expect(run.code).toBe(0);
  });

  it('fails the answer when the stream ends with an error event, quoting it', async () => {
    const other = await newOwner(platform());
    expect((await other.request('PATCH', `/v1/bots/${other.botId}`, { model: { provider: 'openai', model: 'gpt-4.1-mini' } })).status).toBe(200);
    await uploadDocument(platform(), other, 'hours.md', '# Hours\n\nThe shop opens at nine in the morning.\n');
    fake.provider().script({ kind: 'error', status: 503 });
    const run = await smoke(platform().apiUrl, '--bot', other.publicId, '--question', 'When does the shop open?');
    const lines = linesOf(run.stdout);
    expect(lines['✓ visitor session']).toBeDefined();
    expect(lines['✗ streamed answer']).toBe('the answer ended with an error event: "The AI service behind this assistant is having trouble. Please try again shortly." (provider_error)');
    expect(run.code).toBe(1);
  });

  describe('against an asset host that refuses', () => {
    // What S3 behind CloudFront answers when the deployment never copied the files.
    let server: Server;
    let url: string;
    beforeAll(async () => {
      server = createServer((_req, res) => {
        res.writeHead(403, { 'content-type': 'application/xml' });
        res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('names the status and what the host said', async () => {
      const run = await smoke(url);
      const lines = linesOf(run.stdout);
      expect(lines['✗ widget.js']).toBe('widget.js answered 403: AccessDenied Access Denied');
      expect(lines['✗ admin config']).toBe('/admin/config.json answered 403: AccessDenied Access Denied');
      expect(run.code).toBe(1);
    });
  });

  it('refuses what it cannot use with a plain message and exit code 2', async () => {
    const missing = await smoke('no-such-outputs.json');
    expect(missing.stderr).toContain('no-such-outputs.json is neither an http(s) address nor a file here.');
    expect(missing.code).toBe(2);
    const noUrl = path.join(path.dirname(outputsFile), 'edge-only.json');
    writeFileSync(noUrl, JSON.stringify({ ParleyEdge: { WebAclArn: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/parley/abc' } }));
    const withoutAddress = await smoke(noUrl);
    expect(withoutAddress.stderr).toMatch(/^The outputs file names no stack address \(one of Url, /);
    expect(withoutAddress.code).toBe(2);
    const badTimeout = await smoke(platform().apiUrl, '--timeout', 'soon');
    expect(badTimeout.stderr).toContain('--timeout is in seconds, from 1 to 900, not "soon"');
    expect(badTimeout.code).toBe(2);
  });
});
