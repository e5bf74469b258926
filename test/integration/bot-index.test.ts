// The bot index under concurrent change: ingests racing for the head all land,
// deletion takes a document's entries and segment with it, and nothing of a
// run that lost its race is left behind.
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../lambdas/adapters/dynamo/client.ts';
import { createIndexRepository } from '../../lambdas/adapters/dynamo/index-repo.ts';
import { createTables } from '../../lambdas/adapters/dynamo/tables.ts';
import { tenantForSystem } from '../../lambdas/core/tenancy.ts';
import { ask, newOwner, segmentObjects, usePlatform, type Owner } from './fixtures/platform.ts';

describe('a bot index', () => {
  const platform = usePlatform();

  const sortKeys = async (owner: Owner) => {
    const db = createDocumentClient({ region: 'eu-west-1', endpoint: platform().dynamodbUrl });
    const out = await db.send(new QueryCommand({
      TableName: platform().table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `A#${owner.accountId}#B#${owner.botId}` },
      ProjectionExpression: 'sk',
    }));
    db.destroy();
    return (out.Items ?? []).map((i) => String(i.sk));
  };

  const addText = async (owner: Owner, title: string, text: string) => {
    const res = await owner.request<{ document: { docId: string } }>('POST', `/v1/bots/${owner.botId}/sources`, { kind: 'text', title, text });
    expect(res.status).toBe(201);
    return res.body.document.docId;
  };

  it('reads back sections of a large segment object (ranges in pieces, in parallel) byte for byte', async () => {
    const owner = await newOwner(platform());
    const tenant = tenantForSystem(owner.accountId);
    // 10 MB of codes: read in pieces of 1 MB; a bucket of 1 MB between meta and codes, read by its directory entry.
    const bytes = Uint8Array.from({ length: 10 * 1024 * 1024 }, (_, i) => (i * 2654435761) >>> 24);
    const sections = new Map([['meta', bytes.subarray(0, 100)], ['signs', bytes.subarray(5, 70_000)], ['codes', bytes], ['terms-0', bytes.subarray(0, 1_000_000)], ['terms-1', bytes.subarray(7, 20)]]);
    const stored = await platform().deps.index.putSections(tenant, owner.botId, 'BIGSEGMENT', sections);
    expect(stored.object).toBeDefined();
    expect(Object.keys(stored.object!).sort()).toEqual(['codes', 'dir', 'meta', 'signs']);
    const ref = { id: 'BIGSEGMENT', parts: 0, chunks: 0, embeddedWith: 'x@1', sections: stored.sections, object: stored.object! };
    expect([...(await segmentObjects(platform(), owner)).keys()]).toEqual(['BIGSEGMENT']);
    const back = await platform().deps.index.getSections(tenant, owner.botId, ref, ['codes', 'terms-1', 'meta', 'terms-0', 'signs']);
    for (const [name, want] of sections) expect(Buffer.from(back.get(name)!).equals(Buffer.from(want)), name).toBe(true);
    await expect(platform().deps.index.getSections(tenant, owner.botId, ref, ['terms-2'])).rejects.toThrow(/no section terms-2/);
    // Another account's tenant reads nothing of it: its prefix is its own.
    const other = await newOwner(platform());
    await expect(platform().deps.index.getSections(tenantForSystem(other.accountId), owner.botId, ref, ['meta'])).rejects.toThrow();
    await platform().deps.index.deleteSegment(tenant, owner.botId, ref);
    expect((await segmentObjects(platform(), owner)).size).toBe(0);
  });

  it('still reads a segment stored in DynamoDB items (layout 2, before objects), a section of many parts byte for byte', async () => {
    const owner = await newOwner(platform());
    const tenant = tenantForSystem(owner.accountId);
    const items = createIndexRepository(createTables({ base: createDocumentClient({ region: 'eu-west-1', endpoint: platform().dynamodbUrl }) }), platform().table, platform().deps.cipher);
    // 6 MB: about 18 parts of 350 KB, so more than one read of 8 parts.
    const bytes = Uint8Array.from({ length: 6 * 1024 * 1024 }, (_, i) => (i * 2654435761) >>> 24);
    const stored = await items.putSections(tenant, owner.botId, 'BIGSEGMENT', new Map([['codes', bytes], ['terms-0', bytes.subarray(0, 1_000_000)]]));
    expect(stored.object).toBeUndefined();
    const parts = stored.sections;
    expect(parts.codes).toBeGreaterThan(16);
    const ref = { id: 'BIGSEGMENT', parts: 0, chunks: 0, embeddedWith: 'x@1', sections: { codes: parts.codes! } };
    // The platform's repository reads it too (segments of every layout stay readable).
    const back = await platform().deps.index.getSections(tenant, owner.botId, ref, ['codes', 'terms-0']);
    expect(Buffer.from(back.get('codes')!).equals(Buffer.from(bytes))).toBe(true);
    // A section whose item count the index does not keep: its first item says it, the rest follow.
    expect(parts['terms-0']).toBe(3);
    expect(Buffer.from(back.get('terms-0')!).equals(Buffer.from(bytes.subarray(0, 1_000_000)))).toBe(true);
    await platform().deps.index.deleteSegment(tenant, owner.botId, ref);
    expect((await sortKeys(owner)).filter((sk) => sk.startsWith('SEG#'))).toEqual([]);
  });

  it('takes in every one of many documents ingested at the same time', async () => {
    const owner = await newOwner(platform());
    const topics = ['apples', 'bananas', 'cherries', 'dates', 'elderberries', 'figs', 'grapes', 'huckleberries'];
    const ids = await Promise.all(topics.map((t) => addText(owner, t, `Our ${t} come from a farm that grows only ${t}.`)));
    await platform().ingest.idle();

    const head = await platform().deps.index.getHead(tenantForSystem(owner.accountId), owner.botId);
    expect(head.documents).toBe(ids.length);
    // Eight one-chunk documents fill the smallest tier, so they were merged into one segment.
    expect(head.segments).toHaveLength(1);
    expect(head.segments[0]?.chunks).toBe(head.chunks);
    expect(head.dead.size).toBe(0);
    for (const t of topics) {
      const reply = await ask(platform(), owner.publicId, `Where do your ${t} come from?`);
      // Visitors see the title the owner gave, not the file name Parley stored it under.
      expect(reply.sources[0]?.document).toBe(t);
    }
  });

  it('takes a deleted document out of answers, with its entries, chunks and segment', async () => {
    const owner = await newOwner(platform());
    const keep = await addText(owner, 'Opening hours', 'We open at nine and close at five.');
    const drop = await addText(owner, 'Door code', 'The back door code is four two four two.');
    await platform().ingest.idle();
    expect((await ask(platform(), owner.publicId, 'What is the back door code?')).sources[0]?.docId).toBe(drop);

    expect((await owner.request('DELETE', `/v1/bots/${owner.botId}/documents/${drop}`)).status).toBe(204);
    const reply = await ask(platform(), owner.publicId, 'What is the back door code?');
    expect(reply.sources.map((s) => s.docId)).not.toContain(drop);
    const head = await platform().deps.index.getHead(tenantForSystem(owner.accountId), owner.botId);
    const kept = await owner.request<{ document: { indexedRun: string } }>('GET', `/v1/bots/${owner.botId}/documents/${keep}`);
    expect(head.documents).toBe(1);
    expect(head.segments.map((s) => s.id)).toEqual([kept.body.document.indexedRun]);
    const left = await sortKeys(owner);
    expect(left.filter((sk) => sk.includes(drop))).toEqual([]);
    // One segment left, the kept run's, stored as one object; none in DynamoDB items.
    expect(left.filter((sk) => sk.startsWith('SEG#'))).toEqual([]);
    expect([...(await segmentObjects(platform(), owner)).keys()]).toEqual([kept.body.document.indexedRun]);
  });

  it('leaves only the answering run of a re-ingested document', async () => {
    const owner = await newOwner(platform());
    const doc = await addText(owner, 'Returns', 'Unopened cakes may be returned within two days.');
    await platform().ingest.idle();
    const runOf = async () => (await owner.request<{ document: { indexedRun: string } }>('GET', `/v1/bots/${owner.botId}/documents/${doc}`)).body.document.indexedRun;
    const before = await runOf();
    await owner.request('POST', `/v1/bots/${owner.botId}/documents/${doc}/reingest`);
    await owner.request('POST', `/v1/bots/${owner.botId}/documents/${doc}/reingest`);
    await platform().ingest.idle();
    const after = await platform().deps.index.getHead(tenantForSystem(owner.accountId), owner.botId);
    const run = await runOf();
    expect(run).not.toBe(before);
    expect(after.documents).toBe(1);
    const left = await sortKeys(owner);
    expect([...(await segmentObjects(platform(), owner)).keys()]).toEqual([run]);
    expect(left.filter((sk) => sk.startsWith('CHUNK#')).every((sk) => sk.startsWith(`CHUNK#${doc}#${run}#`))).toBe(true);
    expect((await ask(platform(), owner.publicId, 'Can I return a cake?')).sources[0]?.docId).toBe(doc);
  });

  it('marks a deleted document’s entries dead inside a merged segment, and compaction later drops them', async () => {
    const owner = await newOwner(platform());
    const topics = Array.from({ length: 14 }, (_, i) => `topic${String.fromCharCode(97 + i)}`);
    const ids: string[] = [];
    for (const t of topics) {
      const res = await owner.request<{ document: { docId: string } }>('POST', `/v1/bots/${owner.botId}/sources`, { kind: 'text', title: t, text: `Everything about ${t} lives in this note about ${t}.` });
      ids.push(res.body.document.docId);
      await platform().ingest.idle();
    }
    const tenant = tenantForSystem(owner.accountId);
    const merged = await platform().deps.index.getHead(tenant, owner.botId);
    expect(merged.segments.length).toBeLessThan(topics.length);
    expect(merged.documents).toBe(topics.length);

    // The first documents were merged: deleting one marks its run dead rather than dropping a segment.
    expect((await ask(platform(), owner.publicId, 'Tell me about topica')).sources[0]?.docId).toBe(ids[0]);
    expect((await owner.request('DELETE', `/v1/bots/${owner.botId}/documents/${ids[0]}`)).status).toBe(204);
    const afterOne = await platform().deps.index.getHead(tenant, owner.botId);
    expect(afterOne.dead.size).toBe(1);
    expect(afterOne.documents).toBe(topics.length - 1);
    expect((await ask(platform(), owner.publicId, 'Tell me about topica')).sources.map((s) => s.docId)).not.toContain(ids[0]);

    // Past 30% dead (5 of 14 entries), the model's segments are merged whole and the dead runs forgotten.
    for (const id of ids.slice(1, 5)) await owner.request('DELETE', `/v1/bots/${owner.botId}/documents/${id}`);
    const compacted = await platform().deps.index.getHead(tenant, owner.botId);
    expect(compacted.dead.size).toBe(0);
    expect(compacted.segments.reduce((sum, s) => sum + s.chunks, 0)).toBe(compacted.chunks);
    for (const [i, t] of topics.entries()) {
      const reply = await ask(platform(), owner.publicId, `Tell me about ${t}`);
      if (i < 5) expect(reply.sources.map((s) => s.docId)).not.toContain(ids[i]);
      else expect(reply.sources[0]?.docId).toBe(ids[i]);
    }
  });

  it('says so when the index names a head that is gone, instead of waiting forever', async () => {
    // A bot with no documents: nothing is being ingested that the damage would then fail.
    const owner = await newOwner(platform());
    const db = createDocumentClient({ region: 'eu-west-1', endpoint: platform().dynamodbUrl });
    await db.send(new PutCommand({ TableName: platform().table, Item: { pk: `A#${owner.accountId}#B#${owner.botId}`, sk: 'INDEX', generation: 999_999 } }));
    db.destroy();
    await expect(platform().deps.index.getHead(tenantForSystem(owner.accountId), owner.botId)).rejects.toThrow(/head is missing/);
  });
});
