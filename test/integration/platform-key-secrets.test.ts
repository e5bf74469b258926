// The platform's own provider keys from Secrets Manager: the real SDK client against a
// fake Secrets Manager on loopback that speaks its JSON 1.1 protocol. One read per
// TTL, one read for concurrent first uses, a fresh read after the TTL, and the key in
// no log line: neither Parley's nor the SDK's.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../lambdas/shared/logger.ts';
import { createPlatformKeys, PLATFORM_KEY_TTL_MS } from '../../lambdas/adapters/secrets/platform-keys.ts';
import { AppError } from '../../lambdas/core/errors.ts';

// Not shaped like an sk- key, so the logger's redaction would not hide it if it were logged.
const OPENAI_SECRET = 'platform-openai-Zq81xV0pLmN3rT7w';
const ROTATED_SECRET = 'platform-openai-rotated-Hh42kP9s';
const ANTHROPIC_SECRET = 'platform-anthropic-Yt5cW2nB8dJ1';

interface SeenRequest { target: string | undefined; contentType: string | undefined; secretId: string; authorization: string | undefined }

const startFakeSecretsManager = async () => {
  const secrets = new Map<string, string>();
  const requests: SeenRequest[] = [];
  let delayMs = 0;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    req.on('end', () => {
      const { SecretId } = JSON.parse(body || '{}') as { SecretId?: string };
      requests.push({ target: req.headers['x-amz-target'] as string | undefined, contentType: req.headers['content-type'], secretId: String(SecretId), authorization: req.headers.authorization });
      const reply = (status: number, payload: unknown) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': `req-${requests.length}` });
        res.end(JSON.stringify(payload));
      };
      setTimeout(() => {
        if (req.headers['x-amz-target'] !== 'secretsmanager.GetSecretValue') return reply(400, { __type: 'UnknownOperationException', message: 'unknown operation' });
        const value = SecretId === undefined ? undefined : secrets.get(SecretId);
        if (value === undefined) return reply(400, { __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." });
        return reply(200, {
          ARN: `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${SecretId}-AbCdEf`,
          Name: SecretId,
          VersionId: 'a1b2c3d4-0000-1111-2222-333344445555',
          SecretString: value,
          VersionStages: ['AWSCURRENT'],
          CreatedDate: 1_750_000_000.123,
        });
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    secrets,
    requests,
    setDelay: (ms: number) => {
      delayMs = ms;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};

describe('platform keys from Secrets Manager', () => {
  let fake: Awaited<ReturnType<typeof startFakeSecretsManager>>;
  const lines: string[] = [];
  // Everything the SDK would log at its most verbose, and everything Parley logs.
  const sdkLogger = {
    debug: (...args: unknown[]) => lines.push(JSON.stringify(args)),
    info: (...args: unknown[]) => lines.push(JSON.stringify(args)),
    warn: (...args: unknown[]) => lines.push(JSON.stringify(args)),
    error: (...args: unknown[]) => lines.push(JSON.stringify(args)),
  };
  const logger = createLogger('debug', (line) => lines.push(line));

  beforeAll(async () => {
    fake = await startFakeSecretsManager();
  });
  afterAll(async () => {
    await fake.close();
  });

  const keysWith = (secretNames: Record<string, string>, clock: { t: number }, envKeys = {}) => createPlatformKeys({
    secretNames,
    envKeys,
    clientConfig: {
      region: 'eu-west-1',
      endpoint: fake.url,
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'fake-secret-access-key' },
      logger: sdkLogger,
    },
    logger,
    now: () => clock.t,
  });

  it('reads a key once per five minutes, with one read for concurrent first uses, and again after', async () => {
    fake.secrets.set('parley/openai', OPENAI_SECRET);
    const clock = { t: 1_000_000 };
    const keys = keysWith({ openai: 'parley/openai' }, clock);
    const before = fake.requests.length;
    fake.setDelay(50);
    const first = await Promise.all(Array.from({ length: 5 }, () => keys.get('openai')));
    fake.setDelay(0);
    expect(first).toEqual(Array(5).fill(OPENAI_SECRET));
    expect(fake.requests.slice(before)).toEqual([
      { target: 'secretsmanager.GetSecretValue', contentType: 'application/x-amz-json-1.1', secretId: 'parley/openai', authorization: expect.stringMatching(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/secretsmanager\/aws4_request/) as string },
    ]);

    // Rotated in Secrets Manager: the cached key is used until the TTL is up.
    fake.secrets.set('parley/openai', ROTATED_SECRET);
    clock.t += PLATFORM_KEY_TTL_MS - 1;
    expect(await keys.get('openai')).toBe(OPENAI_SECRET);
    expect(fake.requests.length - before).toBe(1);
    clock.t += 1;
    expect(await keys.get('openai')).toBe(ROTATED_SECRET);
    expect(await keys.get('openai')).toBe(ROTATED_SECRET);
    expect(fake.requests.length - before).toBe(2);
  });

  it('takes the apiKey field of a JSON secret, and the environment only for providers without a secret', async () => {
    fake.secrets.set('parley/anthropic', JSON.stringify({ apiKey: ANTHROPIC_SECRET }));
    const clock = { t: 0 };
    const keys = keysWith({ anthropic: 'parley/anthropic' }, clock, { openai: 'env-openai-key', anthropic: 'env-anthropic-key-ignored' });
    expect(await keys.get('anthropic')).toBe(ANTHROPIC_SECRET);
    expect(await keys.get('openai')).toBe('env-openai-key');
    expect(await keys.get('openai-compatible')).toBeUndefined();
    expect(await keysWith({}, clock).get('openai')).toBeUndefined();
  });

  it('answers 503 while a secret cannot be read, logs its name but no value, and reads again on the next use', async () => {
    const clock = { t: 0 };
    const keys = keysWith({ openai: 'parley/missing' }, clock);
    const before = lines.length;
    const failure = await keys.get('openai').catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(AppError);
    expect(failure).toMatchObject({ code: 'unavailable', status: 503, message: "Parley's own OpenAI key cannot be read just now. Please try again in a moment." });
    const logged = lines.slice(before).filter((l) => l.includes('platform key secret'));
    expect(logged).toHaveLength(1);
    expect(JSON.parse(logged[0]!)).toMatchObject({ level: 'error', provider: 'openai', secret: 'parley/missing', errorName: 'ResourceNotFoundException' });
    // A failure is not cached: once the secret exists, the next use reads it.
    fake.secrets.set('parley/missing', OPENAI_SECRET);
    expect(await keys.get('openai')).toBe(OPENAI_SECRET);
    // An empty secret is an operator mistake, not "no key".
    fake.secrets.set('parley/empty', '  ');
    await expect(keysWith({ openai: 'parley/empty' }, clock).get('openai')).rejects.toMatchObject({ code: 'unavailable' });
  });

  // Runs last: whatever happened above, no key reached a log line.
  it('never logs a key, neither in Parley’s log nor in the SDK’s', () => {
    const all = lines.join('\n');
    // The SDK did log each response, the secret masked: the check below is not vacuous.
    expect(all).toContain('"SecretString":"***SensitiveInformation***"');
    for (const secret of [OPENAI_SECRET, ROTATED_SECRET, ANTHROPIC_SECRET]) expect(all).not.toContain(secret);
  });
});
