import { describe, expect, it } from 'vitest';
import { WEBHOOK_RETRY_DELAYS_SECONDS } from '../../lambdas/core/limits.ts';

describe('webhook retry schedule', () => {
  it('retries for about a day, each wait longer than the one before', () => {
    const total = WEBHOOK_RETRY_DELAYS_SECONDS.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThanOrEqual(23 * 3600);
    expect(total).toBeLessThanOrEqual(25 * 3600);
    WEBHOOK_RETRY_DELAYS_SECONDS.slice(1).forEach((d, i) => expect(d).toBeGreaterThan(WEBHOOK_RETRY_DELAYS_SECONDS[i]!));
  });
});
