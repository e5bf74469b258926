// Team access: the owner invites by e-mail with a role and the invitee joins by the
// invitation's link; a viewer can read and change nothing; an admin can run bots but not the team; removing a member ends their
// access at once; an account always keeps an owner.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { routes } from '../../lambdas/http/routes.ts';
import { sampleBodyOf } from '../fixtures/route-samples.ts';
import { call, joinTeam, newOwner, signIn, uploadDocument, usePlatform, type ApiClient, type InvitationSent, type Owner } from './fixtures/platform.ts';

describe('team access', () => {
  const platform = usePlatform();

  const invite = (owner: Owner, role: string): Promise<ApiClient> => joinTeam(platform(), owner, role);
  const userIdOf = async (owner: Owner, email: string) =>
    (await owner.request<{ members: Array<{ userId: string; email: string }> }>('GET', '/v1/members')).body.members.find((m) => m.email === email)!.userId;

  it('turns an invitation into a membership when that address follows its link', async () => {
    const owner = await newOwner(platform());
    const email = `member-${randomUUID()}@example.com`;
    const sent = await owner.request<InvitationSent>('POST', '/v1/members', { email, role: 'viewer' });
    const team = await owner.request<{ invitations: Array<{ email: string; role: string }> }>('GET', '/v1/members');
    expect(team.body.invitations).toEqual([expect.objectContaining({ email, role: 'viewer' })]);
    expect(team.text).not.toContain(sent.body.token.split('.')[1]);
    const viewer = await signIn(platform(), email);
    // Signing in joins nothing.
    expect((await viewer.request('GET', '/v1/account')).status).toBe(403);
    const joined = await viewer.request('POST', '/v1/me/invitations/accept', { token: sent.body.token });
    expect(joined.body).toEqual({ joined: { accountId: owner.accountId, accountName: 'Test account', role: 'viewer' } });
    const account = await viewer.request<{ account: { accountId: string }; role: string }>('GET', '/v1/account');
    expect(account.body.account.accountId).toBe(owner.accountId);
    expect(account.body.role).toBe('viewer');
    expect((await owner.request<{ role: string }>('GET', '/v1/account')).body.role).toBe('owner');
    expect((await viewer.request<{ bots: Array<{ botId: string }> }>('GET', '/v1/bots')).body.bots.map((b) => b.botId)).toEqual([owner.botId]);
    const after = await owner.request<{ members: Array<{ email: string; role: string }>; invitations: unknown[] }>('GET', '/v1/members');
    expect(after.body.invitations).toEqual([]);
    expect(after.body.members.map((m) => m.role).sort()).toEqual(['owner', 'viewer']);
  });

  it('accepts an invitation only for a verified address (email_verified true)', async () => {
    const owner = await newOwner(platform());
    const email = `unverified-${randomUUID()}@example.com`;
    const sent = await owner.request<InvitationSent>('POST', '/v1/members', { email, role: 'admin' });
    expect(sent.status).toBe(201);
    for (const emailVerified of [false, 'missing'] as const) {
      const { token } = await platform().identity.signIn(email, { emailVerified });
      const auth = { authorization: `Bearer ${token}` };
      const res = await call<{ error: { code: string; message: string } }>(platform().apiUrl, 'POST', '/v1/me/invitations/accept', { token: sent.body.token }, auth);
      expect({ emailVerified, status: res.status }).toEqual({ emailVerified, status: 403 });
      expect(res.body.error.message).toMatch(/not verified/);
      // Nor may it see who invited that address, or turn the invitation down.
      expect((await call(platform().apiUrl, 'GET', '/v1/me/invitations', undefined, auth)).status).toBe(403);
      expect((await call(platform().apiUrl, 'DELETE', `/v1/me/invitations/${owner.accountId}`, undefined, auth)).status).toBe(403);
    }
    const pending = await owner.request<{ members: unknown[]; invitations: Array<{ email: string }> }>('GET', '/v1/members');
    expect(pending.body.members).toHaveLength(1);
    expect(pending.body.invitations.map((i) => i.email)).toEqual([email]);
    const verified = await signIn(platform(), email);
    expect((await verified.request('POST', '/v1/me/invitations/accept', { token: sent.body.token })).status).toBe(200);
    const joined = await verified.request<{ account: { accountId: string }; role: string }>('GET', '/v1/account');
    expect(joined.body).toMatchObject({ account: { accountId: owner.accountId }, role: 'admin' });
  });

  it('lets a viewer change nothing, on every route that changes something', async () => {
    const owner = await newOwner(platform());
    const doc = await uploadDocument(platform(), owner, 'hours.md', '# Hours\n\nWe open at nine.\n');
    const viewer = await invite(owner, 'viewer');
    await viewer.request('GET', '/v1/account');
    const ids: Record<string, string> = { botId: owner.botId, docId: doc.docId, provider: 'openai', userId: await userIdOf(owner, viewer.email), email: 'nobody@example.com', conversationId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' };
    // `/v1/me/…` is the person's own invitations, not the account's: no role needed.
    const mutating = routes.filter((r) => r.auth === 'jwt' && r.method !== 'GET' && r.path !== '/v1/account' && !r.path.endsWith('/test') && !r.path.startsWith('/v1/me/'));
    expect(mutating.length).toBeGreaterThanOrEqual(14);
    for (const route of mutating) {
      const path = route.path.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(ids[name] ?? 'x'));
      const res = await viewer.request(route.method, path, sampleBodyOf(route));
      expect({ route: `${route.method} ${route.path}`, status: res.status }).toEqual({ route: `${route.method} ${route.path}`, status: 403 });
    }
    expect((await viewer.request('PATCH', '/v1/account', { name: 'Taken' })).status).toBe(403);
    expect((await viewer.request('DELETE', '/v1/account')).status).toBe(403);
    expect((await owner.request<{ bot: { name: string } }>('GET', `/v1/bots/${owner.botId}`)).body.bot.name).toBe('Help desk');
  });

  it('lets an admin run bots but not the team, and ends a removed member’s access at once', async () => {
    const owner = await newOwner(platform());
    const admin = await invite(owner, 'admin');
    await admin.request('GET', '/v1/account');
    expect((await admin.request('PATCH', `/v1/bots/${owner.botId}`, { name: 'Renamed by admin' })).status).toBe(200);
    expect((await admin.request('POST', '/v1/members', { email: 'x@example.com', role: 'viewer' })).status).toBe(403);
    const adminId = await userIdOf(owner, admin.email);
    expect((await owner.request('PATCH', `/v1/members/${adminId}`, { role: 'viewer' })).status).toBe(200);
    expect((await admin.request('PATCH', `/v1/bots/${owner.botId}`, { name: 'Again' })).status).toBe(403);
    expect((await owner.request('DELETE', `/v1/members/${adminId}`)).status).toBe(204);
    expect((await admin.request('GET', `/v1/bots/${owner.botId}`)).status).toBe(403);
    expect((await owner.request<{ entries: Array<{ action: string }> }>('GET', '/v1/audit?action=member')).body.entries.map((e) => e.action))
      .toEqual(['member.remove', 'member.role', 'member.join', 'member.invite']);
  });

  it('always keeps an owner, and answers 404 for another account’s members', async () => {
    const owner = await newOwner(platform());
    const ownerId = (await owner.request<{ members: Array<{ userId: string }> }>('GET', '/v1/members')).body.members[0]!.userId;
    expect((await owner.request('PATCH', `/v1/members/${ownerId}`, { role: 'viewer' })).status).toBe(409);
    expect((await owner.request('DELETE', `/v1/members/${ownerId}`)).status).toBe(409);
    const other = await newOwner(platform());
    expect((await other.request('PATCH', `/v1/members/${ownerId}`, { role: 'viewer' })).status).toBe(404);
    expect((await other.request('DELETE', `/v1/members/${ownerId}`)).status).toBe(404);
    expect((await owner.request('POST', '/v1/members', { email: 'not an email', role: 'viewer' })).status).toBe(400);
  });

  it('lets a former owner, removed or made a viewer, create an account of their own', async () => {
    for (const change of ['remove', 'demote'] as const) {
      const founder = await newOwner(platform());
      const partner = await invite(founder, 'owner');
      expect((await partner.request('GET', '/v1/account')).status).toBe(200);
      const founderId = await userIdOf(founder, founder.email);
      const res = change === 'remove'
        ? await partner.request('DELETE', `/v1/members/${founderId}`)
        : await partner.request('PATCH', `/v1/members/${founderId}`, { role: 'viewer' });
      expect(res.status, change).toBeLessThan(300);
      const own = await founder.request<{ account: { accountId: string } }>('POST', '/v1/account', { name: 'Mine now' });
      expect(own.status, change).toBe(201);
      expect(own.body.account.accountId).not.toBe(founder.accountId);
      // Still one owned account each: a second one is refused.
      expect((await founder.request('POST', '/v1/account', { name: 'Another' })).status, change).toBe(409);
    }
  });
});
