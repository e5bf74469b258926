/** The scheduled sweeper function: deletes what has expired and TTL has not removed yet. */
import { sweepExpired } from '../core/sweeper.ts';
import { getRuntime } from '../adapters/wiring.ts';

const { deps, logger } = getRuntime();

export const handler = async (): Promise<{ deleted: number; more: boolean; held: number }> => {
  const result = await sweepExpired(deps);
  logger.info('sweep', result);
  return result;
};
