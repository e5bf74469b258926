// The bot index under concurrent change: ingests racing for the head all land,
// deletion takes a document's entries and segment with it, and nothing of a
// run that lost its race is left behind.
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../lambdas/adapters/dynamo/client.ts';
import { tenantForSystem } from '../../lambdas/core/tenancy.ts';
import { ask, newOwner, usePlatform, type Owner } from './fixtures/platform.ts';

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

  it('takes in every one of many documents ingested at the same time', async () => {
    const owner = await newOwner(platform());
    const topics = ['apples', 'bananas', 'cherries', 'dates', 'elderberries', 'figs', 'grapes', 'huckleberries'];
    const ids = await Promise.all(topics.map((t) => addText(owner, t, `Our ${t} come from a farm that grows only ${t}.`)));
    await platform().ingest.idle();

    const head = await platform().deps.index.getHead(tenantForSystem(owner.accountId), owner.botId);
    expect(new Set(head.live.keys())).toEqual(new Set(ids));
    expect(head.segments).toHaveLength(topics.length);
    for (const t of topics) {
      const reply = await ask(platform(), owner.publicId, `Where do your ${t} come from?`);
      expect(reply.sources[0]?.document).toBe(`${t}.txt`);
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
    expect([...head.live.keys()]).toEqual([keep]);
    expect(head.segments.map((s) => s.id)).toEqual([head.live.get(keep)!.run]);
    const left = await sortKeys(owner);
    expect(left.filter((sk) => sk.includes(drop))).toEqual([]);
    expect(left.filter((sk) => sk.startsWith('SEG#'))).toHaveLength(1);
  });

  it('leaves only the answering run of a re-ingested document', async () => {
    const owner = await newOwner(platform());
    const doc = await addText(owner, 'Returns', 'Unopened cakes may be returned within two days.');
    await platform().ingest.idle();
    const before = await platform().deps.index.getHead(tenantForSystem(owner.accountId), owner.botId);
    await owner.request('POST', `/v1/bots/${owner.botId}/documents/${doc}/reingest`);
    await owner.request('POST', `/v1/bots/${owner.botId}/documents/${doc}/reingest`);
    await platform().ingest.idle();
    const after = await platform().deps.index.getHead(tenantForSystem(owner.accountId), owner.botId);
    const run = after.live.get(doc)!.run;
    expect(run).not.toBe(before.live.get(doc)!.run);
    const left = await sortKeys(owner);
    expect(left.filter((sk) => sk.startsWith('SEG#')).every((sk) => sk.startsWith(`SEG#${run}#`))).toBe(true);
    expect(left.filter((sk) => sk.startsWith('CHUNK#')).every((sk) => sk.startsWith(`CHUNK#${doc}#${run}#`))).toBe(true);
    expect((await ask(platform(), owner.publicId, 'Can I return a cake?')).sources[0]?.docId).toBe(doc);
  });
});
