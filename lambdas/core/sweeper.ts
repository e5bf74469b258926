/**
 * The sweeper: deletes what has expired but is still stored. DynamoDB's TTL deletes
 * expired items on its own, but only eventually (typically within days), and every
 * read path already ignores them; this makes retention a deadline rather than a
 * hope. Bounded per run, so a backlog drains over several runs.
 */
import { keepHeldAccounts } from './legal-hold.ts';
import type { Deps } from './ports.ts';

/** Items one run deletes at most. */
export const SWEEP_LIMIT = 25_000;

/** Suspends the expiry of what held accounts wrote since their last sweep, then deletes what has expired. */
export const sweepExpired = async (deps: Pick<Deps, 'bots' | 'clock' | 'retention' | 'sweeper'>): Promise<{ deleted: number; more: boolean; held: number }> => {
  const held = await keepHeldAccounts(deps);
  return { ...(await deps.sweeper.deleteExpired(deps.clock.now(), SWEEP_LIMIT)), held };
};
