/**
 * Segment items are read eventually consistent (they never change once written, and a bot's
 * items share one partition whose reads a second a cold query waits on), and an item such a
 * read has not seen yet is read again strongly: the sections still come back whole.
 */
import { BatchGetCommand, BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createIndexRepository } from '../../lambdas/adapters/dynamo/index-repo.ts';
import type { DocClient, Tables } from '../../lambdas/adapters/dynamo/tables.ts';
import type { SegmentRef } from '../../lambdas/core/records.ts';
import type { ContentCipher } from '../../lambdas/core/ports.ts';
import { tenantForSystem } from '../../lambdas/core/tenancy.ts';
import { fakePort } from '../fakes/ports.ts';

type Item = Record<string, unknown>;

/** A table in memory whose eventually consistent reads do not see the items named in `lagging` yet. */
const tableWithLag = () => {
  const items = new Map<string, Item>();
  const lagging = new Set<string>();
  const reads: Array<{ consistent: boolean; keys: string[] }> = [];
  const keyOf = (k: Item) => `${String(k.pk)}|${String(k.sk)}`;
  const db: DocClient = {
    send: (async (command: unknown) => {
      if (command instanceof BatchWriteCommand) {
        for (const requests of Object.values(command.input.RequestItems ?? {})) {
          for (const r of requests) if (r.PutRequest?.Item) items.set(keyOf(r.PutRequest.Item), r.PutRequest.Item);
        }
        return { UnprocessedItems: {} };
      }
      if (command instanceof BatchGetCommand) {
        const [table, request] = Object.entries(command.input.RequestItems ?? {})[0]!;
        const consistent = request.ConsistentRead === true;
        const keys = (request.Keys ?? []) as Item[];
        reads.push({ consistent, keys: keys.map((k) => String(k.sk)) });
        const seen = keys.map(keyOf).filter((k) => items.has(k) && (consistent || !lagging.has(k)));
        return { Responses: { [table]: seen.map((k) => items.get(k)!) }, UnprocessedKeys: {} };
      }
      throw new Error(`unexpected command ${(command as object).constructor.name}`);
    }) as DocClient['send'],
  };
  const tables: Tables = { tenant: () => db, platform: db, unscoped: () => db };
  return { tables, items, lagging, reads };
};

const cipher = fakePort<ContentCipher>('cipher', {
  seal: async (_t, _p, plaintext) => plaintext,
  open: async (_t, _p, sealed) => sealed,
});
const tenant = tenantForSystem('01HZZZZZZZZZZZZZZZZZZZZZZZ');

describe('reading a segment’s sections', () => {
  it('reads eventually consistent, and strongly only what that read did not see yet', async () => {
    const { tables, items, lagging, reads } = tableWithLag();
    const repo = createIndexRepository(tables, 'parley', cipher);
    const signs = new Uint8Array(600_000).map((_, i) => i % 251);
    const meta = new Uint8Array([1, 2, 3]);
    const { sections } = await repo.putSections(tenant, 'bot1', 'SEGID', new Map([['meta', meta], ['signs', signs]]));
    const ref = { id: 'SEGID', parts: 0, chunks: 10, embeddedWith: 'm@4', sections } as unknown as SegmentRef;
    const signKeys = [...items.keys()].filter((k) => k.includes('#signs#'));
    expect(signKeys.length).toBeGreaterThan(1);
    // The last part of the sign bits was written a moment ago: an eventually consistent read misses it.
    lagging.add(signKeys.at(-1)!);

    const got = await repo.getSections(tenant, 'bot1', ref, ['meta', 'signs']);

    expect(new Uint8Array(got.get('meta')!)).toEqual(meta);
    expect(new Uint8Array(got.get('signs')!)).toEqual(signs);
    expect(reads.filter((r) => !r.consistent).flatMap((r) => r.keys)).toHaveLength(1 + signKeys.length);
    expect(reads.filter((r) => r.consistent).flatMap((r) => r.keys)).toEqual([signKeys.at(-1)!.split('|')[1]]);
  });

  it('needs no strong read when everything is seen', async () => {
    const { tables, reads } = tableWithLag();
    const repo = createIndexRepository(tables, 'parley', cipher);
    const { sections } = await repo.putSections(tenant, 'bot1', 'SEGID', new Map([['meta', new Uint8Array([9])]]));
    const ref = { id: 'SEGID', parts: 0, chunks: 1, embeddedWith: 'm@4', sections } as unknown as SegmentRef;
    expect([...(await repo.getSections(tenant, 'bot1', ref, ['meta'])).get('meta')!]).toEqual([9]);
    expect(reads.every((r) => !r.consistent)).toBe(true);
  });
});
