/**
 * The leak scan: a full run with fake provider keys — add, list, test, rotate, a
 * refused key, delete, errors — then every byte Parley produced (log lines,
 * responses, DynamoDB items, S3 objects) is searched for the keys.
 */
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { createS3Client } from '../../lambdas/adapters/s3/client.ts';
import { captureOutput, expectNoLeaks, recordResponses, scanTables } from './fixtures/leak-scan.ts';
import { ask, newOwner, uploadDocument, useFakeProvider, usePlatform } from './fixtures/platform.ts';

const KEYS = {
  openai: 'sk-proj-LEAKCANARY-openai-0123456789abcdef',
  rotated: 'sk-proj-LEAKCANARY-rotated-fedcba9876543210',
  anthropic: 'sk-ant-api03-LEAKCANARY-anthropic-0123456789',
  compatible: 'LEAKCANARY-compatible-9f8e7d6c5b4a',
  refused: 'sk-proj-LEAKCANARY-refused-aaaabbbbcccc',
};
const CANARY_PARTS = Object.values(KEYS).flatMap((k) => [k, k.slice(8, 30)]);

describe('secrets never leak', () => {
  const fake = useFakeProvider({ invalidKeys: [KEYS.refused] });
  const platform = usePlatform({ env: () => ({ ...fake.env(), PARLEY_LOG_LEVEL: 'debug' }) });
  const output = captureOutput();

  it('appear in no log line, response, table item or stored object', async () => {
    const { responses, record } = recordResponses();
    const owner = await newOwner(platform());
    await record(owner.request('PUT', '/v1/keys/openai', { apiKey: KEYS.openai }));
    await record(owner.request('PUT', '/v1/keys/anthropic', { apiKey: KEYS.anthropic }));
    await record(owner.request('PUT', '/v1/keys/openai-compatible', { apiKey: KEYS.compatible, baseUrl: fake.provider().openaiBaseUrl }));
    await record(owner.request('PUT', '/v1/keys/openai-compatible', { apiKey: KEYS.compatible, baseUrl: 'http://169.254.169.254/v1' }));
    await record(owner.request('PUT', '/v1/keys/anthropic', { apiKey: KEYS.refused }));
    await record(owner.request('GET', '/v1/keys'));
    await record(owner.request('POST', '/v1/keys/openai/test'));
    await record(owner.request('PUT', '/v1/keys/openai', { apiKey: KEYS.rotated }));
    fake.provider().invalidKeys.add(KEYS.rotated);
    await record(owner.request('POST', '/v1/keys/openai/test'));
    await record(owner.request('GET', '/v1/audit'));
    await record(owner.request('GET', '/v1/account'));
    await record(owner.request('DELETE', '/v1/keys/anthropic'));
    await uploadDocument(platform(), owner, 'faq.md', '# FAQ\n\nWe are open on weekdays.\n');
    const chat = await ask(platform(), owner.publicId, 'When are you open?');
    responses.push(chat.text);
    // Keys sent in the wrong place end in errors, which must not echo them either.
    await record(owner.request('POST', '/v1/bots', { name: KEYS.openai, instructions: 42 }));
    await record(owner.request('GET', `/v1/bots/${KEYS.openai}`));

    const tables = await scanTables(platform().dynamodbUrl, [platform().table, platform().keysTable]);

    const s3 = createS3Client({ region: 'eu-west-1', endpoint: platform().s3Url });
    const objects: string[] = [];
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: platform().bucket, Prefix: `accounts/${owner.accountId}/` }));
    for (const o of listed.Contents ?? []) {
      const body = await s3.send(new GetObjectCommand({ Bucket: platform().bucket, Key: o.Key }));
      objects.push(Buffer.from(await body.Body!.transformToByteArray()).toString('latin1'));
    }
    s3.destroy();

    const everything = { logs: output.join(''), responses: responses.join('\n'), tables: tables.join('\n'), objects: objects.join('\n') };
    // The scan saw real material: debug logs, every response, and the sealed keys themselves.
    expect(everything.logs.length).toBeGreaterThan(0);
    expect(everything.responses).toContain('"lastFour":"cdef"');
    expect(everything.tables).toContain('KEY#openai');
    expectNoLeaks(everything, CANARY_PARTS);
    for (const [where, text] of Object.entries(everything)) expect({ where, canary: text.includes('LEAKCANARY') }).toEqual({ where, canary: false });
    // The fake provider did receive them: the scan is not vacuous.
    expect(fake.provider().requests.map((r) => r.apiKey)).toEqual(expect.arrayContaining([KEYS.openai, KEYS.anthropic, KEYS.compatible, KEYS.rotated]));
  });
});
