// The local outbox keeps each e-mail as a file in the data folder, and the panel's
// copies adapter reads the text back: after a restart too (from the file, not from
// memory), exactly as sent, and nothing for an id the outbox never gave.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startLocalSes } from '../../infra/local/ses-local.ts';
import { createOutboxCopies } from '../../lambdas/adapters/mail/outbox-copies.ts';
import { createSesMailer } from '../../lambdas/adapters/mail/ses-mailer.ts';

const TEXT = 'First line\n\nQuestion:\n    <img src=x onerror=alert(1)>\nSubject: not a header\n';

describe('the local outbox’s copies', () => {
  it('reads a message’s text back, from its file after a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-outbox-'));
    writeFileSync(join(dataDir, 'not-mail.txt'), 'outside the outbox');
    const first = await startLocalSes({ dataDir });
    const mailer = createSesMailer({ region: 'eu-west-1', from: 'parley@parley.localhost', endpoint: first.url });
    const sent = await mailer.send({ to: 'owner@example.com', subject: 'A visitor asked for a person · Shop', text: TEXT });
    if (!sent.ok) throw new Error(sent.reason);
    expect(await createOutboxCopies(first.url).textOf(sent.messageId)).toBe(TEXT);
    await first.stop();

    const second = await startLocalSes({ dataDir });
    try {
      expect(second.messages).toEqual([]);
      expect(await readdir(join(dataDir, 'outbox'))).toEqual([expect.stringMatching(new RegExp(`-${sent.messageId}\\.txt$`))]);
      const copies = createOutboxCopies(second.url);
      expect(await copies.textOf(sent.messageId)).toBe(TEXT);
      expect(await copies.textOf('local-00000000-0000-4000-8000-000000000000')).toBeNull();
      // Not an id the outbox gives: not even asked for.
      expect(await copies.textOf('../not-mail')).toBeNull();
    } finally {
      await second.stop();
    }
  });
});
