import { describe, expect, it, vi } from 'vitest';
import { INGEST_MAX_RECEIVE_COUNT } from '../../lambdas/core/limits.ts';
import { captureLoggedErrors } from './fixtures/expected-errors.ts';
import { newOwner, uploadDocument, usePlatform } from './fixtures/platform.ts';

describe('a message ingestion cannot process', () => {
  const platform = usePlatform();

  it('is retried, goes to the dead-letter queue, and the document says failed', async () => {
    const owner = await newOwner(platform());
    const embed = vi.spyOn(platform().deps.embedders.local, 'embed').mockRejectedValue(new Error('embedding service down'));
    const errors = captureLoggedErrors();
    try {
      const doc = await uploadDocument(platform(), owner, 'faq.md', '# FAQ\n\nSome text.\n');
      expect(embed).toHaveBeenCalledTimes(INGEST_MAX_RECEIVE_COUNT);
      expect(doc.status).toBe('failed');
      expect(doc.error).toMatch(/could not process this document after several attempts/);
      expect(doc.error).not.toContain('embedding service down');
      expect(platform().ingest.deadLetters.map((d) => d.key)).toEqual([expect.stringContaining(doc.docId) as string]);
      // Each failed delivery is logged (captured here, not printed), and nothing else is.
      expect(errors.logged).toEqual(Array.from({ length: INGEST_MAX_RECEIVE_COUNT }, () => ({ message: 'ingest failed', error: 'embedding service down' })));
    } finally {
      errors.stop();
      embed.mockRestore();
    }
  });
});
