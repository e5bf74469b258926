/**
 * A bot kept from an earlier benchmark run whose segments were stored whole (layout 1)
 * gets them stored again in sections (layout 2), as new and compacted segments are
 * stored now, under the same ids (the two layouts' items do not collide), and a head
 * naming them so: the cold figures then measure layout 2 without writing the bot again.
 */
import { storeSegment } from '../../lambdas/core/bot-index.ts';
import type { Deps } from '../../lambdas/core/ports.ts';
import type { TenantContext } from '../../lambdas/core/tenancy.ts';

export const storeInSections = async (deps: Deps, tenant: TenantContext, botId: string): Promise<void> => {
  const head = await deps.index.getHead(tenant, botId);
  if (head.segments.every((ref) => ref.sections)) return;
  const segments = [];
  for (const ref of head.segments) {
    if (ref.sections) {
      segments.push(ref);
      continue;
    }
    segments.push(await storeSegment(deps, tenant, botId, ref.id, await deps.index.getSegment(tenant, botId, ref), ref.embeddedWith));
  }
  const outcome = await deps.index.commit(tenant, botId, head.generation, { ...head, segments, generation: head.generation + 1 });
  if (outcome !== 'ok') throw new Error(`bench: could not store bot ${botId} in sections (${outcome})`);
  process.stderr.write(`stored the ${segments.length} segments of bot ${botId} in sections\n`);
};
