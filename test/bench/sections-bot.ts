/**
 * A bot kept from an earlier benchmark run whose segments were stored in DynamoDB items
 * (layout 1, whole; layout 2, in sections) gets them stored again as storeSegment stores
 * new and compacted segments now (layout 3: one object of sealed sections), under the
 * same ids (the layouts' keys do not collide), and a head naming them so: the cold
 * figures then measure layout 3 without writing the bot again.
 */
import { SECTION } from '../../lambdas/core/segment-sections.ts';
import { storeSegment } from '../../lambdas/core/bot-index.ts';
import type { Deps } from '../../lambdas/core/ports.ts';
import type { SegmentRef } from '../../lambdas/core/records.ts';
import type { TenantContext } from '../../lambdas/core/tenancy.ts';

const restore = async (deps: Deps, tenant: TenantContext, botId: string, ref: SegmentRef): Promise<SegmentRef> => {
  if (!ref.sections) return storeSegment(deps, tenant, botId, ref.id, await deps.index.getSegment(tenant, botId, ref), ref.embeddedWith);
  const names = [SECTION.meta, SECTION.signs, SECTION.codes, ...Array.from({ length: ref.buckets ?? 0 }, (_, b) => SECTION.bucket(b))];
  const stored = await deps.index.putSections(tenant, botId, ref.id, await deps.index.getSections(tenant, botId, ref, names));
  if (!stored.object) throw new Error('bench: the platform stores segments in DynamoDB items, not objects');
  return { ...ref, sections: { [SECTION.meta]: 1, [SECTION.signs]: 1, [SECTION.codes]: 1 }, object: stored.object };
};

export const storeInObjects = async (deps: Deps, tenant: TenantContext, botId: string): Promise<void> => {
  const head = await deps.index.getHead(tenant, botId);
  if (head.segments.every((ref) => ref.object)) return;
  const segments = [];
  for (const ref of head.segments) segments.push(ref.object ? ref : await restore(deps, tenant, botId, ref));
  const outcome = await deps.index.commit(tenant, botId, head.generation, { ...head, segments, generation: head.generation + 1 });
  if (outcome !== 'ok') throw new Error(`bench: could not store bot ${botId} in objects (${outcome})`);
  process.stderr.write(`stored the ${segments.length} segments of bot ${botId} as objects\n`);
};
