import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tenantForSystem } from '../../lambdas/core/tenancy.ts';
import { newOwner, uploadDocument, usePlatform } from './fixtures/platform.ts';

describe('phone numbers in a PDF, read with the countries of the deployment region', () => {
  // Frankfurt: German, Austrian and Swiss national numbers count as well as international ones.
  const platform = usePlatform({ env: () => ({ AWS_REGION: 'eu-central-1' }) });
  const sheet = new Uint8Array(readFileSync(new URL('../fixtures/pdf/support-sheet.pdf', import.meta.url)));

  it('counts both Austrian numbers of a support sheet and none of the bytes of its hex dump', async () => {
    const owner = await newOwner(platform());
    expect((await owner.request('PATCH', '/v1/account', { piiHandling: 'redact' })).status).toBe(200);
    const doc = await uploadDocument(platform(), owner, 'support-sheet.pdf', sheet, 'application/pdf');
    expect(doc).toMatchObject({ status: 'ready', personalData: { phone: 2 } });
    const stored = (await platform().deps.chunks.listForBot(tenantForSystem(owner.accountId), owner.botId)).map((c) => c.text).join('\n');
    expect(stored).not.toMatch(/53115|8729000/);
    expect(stored).toContain('00000000 25 50 44 46 2d 31 2e 37 0a 73 73 69 64 3d 48 6f');
  });
});
