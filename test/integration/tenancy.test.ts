import { describe, expect, it } from 'vitest';
import { botItems } from '../../lambdas/adapters/dynamo/key-layout.ts';
import { tenantForSystem } from '../../lambdas/core/tenancy.ts';
import { routes } from '../../lambdas/http/routes.ts';
import { sampleBodyOf } from '../fixtures/route-samples.ts';
import { actingFor, ask, joinTeam, newOwner, uploadDocument, usePlatform, type Owner } from './fixtures/platform.ts';

const DOC = '# Opening hours\n\nThe shop opens at nine in the morning and closes at six in the evening.\n';

/**
 * Whether a 404 came from the route itself (a resource not found) rather than
 * from finding no route: a route in the table whose function has no handler for
 * it answers "No such route.", which must not pass for "not found".
 */
const routed = (res: { body: unknown }): boolean =>
  (res.body as { error?: { message?: string } } | undefined)?.error?.message !== 'No such route.';

/** A webhook of the owner's bot (never delivered to: its events are not raised here), for routes that name one. */
const webhookOf = async (owner: Owner): Promise<string> =>
  (await owner.request<{ webhook: { webhookId: string } }>('POST', `/v1/bots/${owner.botId}/webhooks`, { url: 'https://hooks.example.com/parley', events: ['lead.created'] })).body.webhook.webhookId;

describe('tenancy: another account sees nothing', () => {
  const platform = usePlatform();

  it('answers 404 on every admin route for another account’s bot and document ids', async () => {
    const alice = await newOwner(platform());
    const bob = await newOwner(platform());
    const doc = await uploadDocument(platform(), alice, 'hours.md', DOC);
    const bot = `/v1/bots/${alice.botId}`;
    const document = `${bot}/documents/${doc.docId}`;

    const attempts: Array<[string, string, unknown?]> = [
      ['GET', bot],
      ['PATCH', bot, { name: 'taken over' }],
      ['DELETE', bot],
      ['GET', `${bot}/documents`],
      ['POST', `${bot}/documents`, { name: 'x.md', contentType: 'text/markdown', size: 10 }],
      ['GET', document],
      ['DELETE', document],
    ];
    for (const [method, path, body] of attempts) {
      const res = await bob.request(method, path, body);
      expect({ method, path, status: res.status, routed: routed(res) }).toEqual({ method, path, status: 404, routed: true });
      expect(res.body).toEqual({ error: { code: 'not_found', message: expect.any(String) as string } });
    }
    // The same answer as for ids that never existed.
    const missing = await bob.request('GET', '/v1/bots/01ARZ3NDEKTSV4RRFFQ69G5FAV');
    expect(missing.status).toBe(404);
    // A path of no route is a 404 too, told apart by its words.
    const noRoute = await bob.request('GET', `${bot}/nothing-here`);
    expect({ status: noRoute.status, routed: routed(noRoute) }).toEqual({ status: 404, routed: false });
    expect(missing.body).toEqual((await bob.request('GET', bot)).body);

    // Nothing Bob tried changed Alice's data.
    expect((await alice.request<{ bot: { name: string } }>('GET', bot)).body.bot.name).toBe('Help desk');
    expect((await alice.request<{ document: { status: string } }>('GET', document)).body.document.status).toBe('ready');
    expect((await ask(platform(), alice.publicId, 'When does the shop open?')).answer).toContain('nine in the morning');
  });

  it('answers 404 to another account on every admin route that names a bot, from the route table', async () => {
    const alice = await newOwner(platform());
    const bob = await newOwner(platform());
    const doc = await uploadDocument(platform(), alice, 'hours.md', DOC);
    const reply = await ask(platform(), alice.publicId, 'When does the shop open?');
    const webhookId = await webhookOf(alice);
    const ids: Record<string, string> = { botId: alice.botId, docId: doc.docId, conversationId: reply.conversationId!, webhookId };
    const scoped = routes.filter((r) => r.auth === 'jwt' && r.path.includes('{botId}'));
    expect(scoped.length).toBeGreaterThanOrEqual(15);
    for (const route of scoped) {
      const path = route.path.replace(/\{(\w+)\}/g, (_m, name: string) => ids[name] ?? 'unknown');
      const res = await bob.request(route.method, path, sampleBodyOf(route));
      expect({ route: `${route.method} ${route.path}`, status: res.status, routed: routed(res) }).toEqual({ route: `${route.method} ${route.path}`, status: 404, routed: true });
    }
    expect((await alice.request('GET', `/v1/bots/${alice.botId}/documents/${doc.docId}`)).status).toBe(200);
    expect((await alice.request('GET', `/v1/bots/${alice.botId}/conversations/${reply.conversationId}`)).status).toBe(200);
  });

  it('lets a member of two accounts reach each account’s data only when acting for it, on every route, from the route table', async () => {
    const alice = await newOwner(platform());
    const doc = await uploadDocument(platform(), alice, 'hours.md', DOC);
    const reply = await ask(platform(), alice.publicId, 'When does the shop open?');
    // Pat owns an account and is also an owner of Alice's: the most any member may do there.
    const pat = await newOwner(platform());
    await joinTeam(platform(), alice, 'owner', pat.email);
    const bob = await newOwner(platform());
    const webhookId = await webhookOf(alice);
    const ids: Record<string, string> = { botId: alice.botId, docId: doc.docId, conversationId: reply.conversationId!, webhookId };
    const fill = (path: string) => path.replace(/\{(\w+)\}/g, (_m, name: string) => ids[name] ?? 'unknown');
    const key = (r: { method: string; path: string }) => `${r.method} ${r.path}`;
    // Every route that acts for an account: all but creating one's own and the person's own `/v1/me/…`.
    const tenantRoutes = routes.filter((r) => r.auth === 'jwt' && key(r) !== 'POST /v1/account' && !r.path.startsWith('/v1/me/'));
    expect(tenantRoutes.length).toBeGreaterThanOrEqual(40);

    for (const route of tenantRoutes) {
      const body = sampleBodyOf(route);
      // Naming no account, with two: refused before anything is read.
      const unnamed = await pat.request<{ error: { message: string } }>(route.method, fill(route.path), body);
      expect({ route: key(route), status: unnamed.status }).toEqual({ route: key(route), status: 400 });
      expect(unnamed.body.error.message).toMatch(/x-parley-account/);
      // Naming an account they do not belong to: the not-found of a missing one.
      const foreign = await actingFor(pat, bob.accountId).request(route.method, fill(route.path), body);
      expect({ route: key(route), status: foreign.status, routed: routed(foreign) }).toEqual({ route: key(route), status: 404, routed: true });
    }
    // Acting for their own account, Alice's ids are another account's: 404 on every route that names them.
    for (const route of tenantRoutes.filter((r) => r.path.includes('{botId}'))) {
      const res = await actingFor(pat, pat.accountId).request(route.method, fill(route.path), sampleBodyOf(route));
      expect({ route: key(route), status: res.status, routed: routed(res) }).toEqual({ route: key(route), status: 404, routed: true });
    }
    // Acting for Alice's account, the same reads find her data.
    const inAlice = actingFor(pat, alice.accountId);
    for (const route of tenantRoutes.filter((r) => r.method === 'GET' && r.path.includes('{botId}') && !r.path.includes('{contactId}'))) {
      const res = await inAlice.request(route.method, fill(route.path));
      expect({ route: key(route), status: res.status }).toEqual({ route: key(route), status: 200 });
    }
    const botsOf = async (accountId: string) => (await actingFor(pat, accountId).request<{ bots: Array<{ botId: string }> }>('GET', '/v1/bots')).body.bots.map((b) => b.botId);
    expect(await botsOf(alice.accountId)).toEqual([alice.botId]);
    expect(await botsOf(pat.accountId)).toEqual([pat.botId]);
    // Nothing Pat tried changed either account's data.
    expect((await alice.request<{ bot: { name: string } }>('GET', `/v1/bots/${alice.botId}`)).body.bot.name).toBe('Help desk');
    expect((await alice.request<{ document: { status: string } }>('GET', `/v1/bots/${alice.botId}/documents/${doc.docId}`)).body.document.status).toBe('ready');
    expect((await bob.request('GET', '/v1/account')).status).toBe(200);
  });

  it('lists only the caller’s own bots', async () => {
    const alice = await newOwner(platform());
    const bob = await newOwner(platform());
    const list = await bob.request<{ bots: Array<{ botId: string }> }>('GET', '/v1/bots');
    expect(list.body.bots.map((b) => b.botId)).toEqual([bob.botId]);
    expect(list.text).not.toContain(alice.botId);
  });

  it('never returns another account’s chunks, even for identical documents', async () => {
    const alice = await newOwner(platform());
    const bob = await newOwner(platform());
    const aliceDoc = await uploadDocument(platform(), alice, 'hours.md', DOC);
    const bobDoc = await uploadDocument(platform(), bob, 'hours.md', DOC);

    const reply = await ask(platform(), bob.publicId, 'When does the shop open?');
    expect(reply.sources.length).toBeGreaterThan(0);
    expect(reply.sources.every((s) => s.docId === bobDoc.docId)).toBe(true);
    expect(reply.text).not.toContain(aliceDoc.docId);

    // At the repository: Bob's tenant with Alice's bot id reads an empty partition.
    const { chunks } = platform().deps;
    expect(await chunks.listForBot(tenantForSystem(bob.accountId), alice.botId)).toEqual([]);
    expect((await chunks.listForBot(tenantForSystem(alice.accountId), alice.botId)).length).toBeGreaterThan(0);
    expect(botItems.pk(tenantForSystem(bob.accountId), alice.botId).startsWith(`A#${bob.accountId}#`)).toBe(true);
  });

  it('gives a member the account of their membership, whatever the request says', async () => {
    const alice = await newOwner(platform());
    const bob = await newOwner(platform());
    // An account id in the body or query is not an identity.
    const res = await bob.request<{ account: { accountId: string } }>('GET', `/v1/account?accountId=${alice.accountId}`, undefined, { 'x-account-id': alice.accountId });
    expect(res.body.account.accountId).toBe(bob.accountId);
    const created = await bob.request('POST', '/v1/bots', { name: 'x', accountId: alice.accountId });
    expect(created.status).toBe(400);
  });
});
