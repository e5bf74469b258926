// Issue 19: a person may belong to several accounts. Every admin request says which
// account it acts for (x-parley-account), checked against the person's own
// memberships; one belonging to several who names none is refused, never served
// from a guess. They list their accounts, create one of their own while a member
// elsewhere, and leave one; the last owner cannot leave.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { actingFor, joinTeam, newOwner, signIn, usePlatform, type ApiClient } from './fixtures/platform.ts';

type ErrorBody = { error: { code: string; message: string } };
interface MyAccount { accountId: string; name: string; role: string; status: string }

describe('several accounts', () => {
  const platform = usePlatform();
  const accountsOf = async (client: ApiClient) => (await client.request<{ accounts: MyAccount[] }>('GET', '/v1/me/accounts')).body.accounts;
  const accountIdOf = async (client: ApiClient) => (await client.request<{ account: { accountId: string } }>('GET', '/v1/account')).body.account?.accountId;

  it('acts for the account the request names, among the person’s memberships, and refuses to guess', async () => {
    const agency = await newOwner(platform());
    const client = await newOwner(platform());
    const consultant = await joinTeam(platform(), agency, 'admin', `consultant-${randomUUID()}@example.com`);
    expect(await accountIdOf(consultant)).toBe(agency.accountId);
    await joinTeam(platform(), client, 'viewer', consultant.email);

    expect((await accountsOf(consultant)).map((a) => [a.accountId, a.role]).sort()).toEqual([[agency.accountId, 'admin'], [client.accountId, 'viewer']].sort());
    // Two memberships and no account named: a 400 that says what to send.
    const unnamed = await consultant.request<ErrorBody>('GET', '/v1/bots');
    expect(unnamed.status).toBe(400);
    expect(unnamed.body.error.message).toMatch(/x-parley-account/);
    expect((await consultant.request('DELETE', '/v1/account')).status).toBe(400);

    const forAgency = actingFor(consultant, agency.accountId);
    const forClient = actingFor(consultant, client.accountId);
    expect((await forAgency.request<{ account: { accountId: string }; role: string }>('GET', '/v1/account')).body).toMatchObject({ account: { accountId: agency.accountId }, role: 'admin' });
    expect((await forClient.request<{ account: { accountId: string }; role: string }>('GET', '/v1/account')).body).toMatchObject({ account: { accountId: client.accountId }, role: 'viewer' });
    // Each role holds in its own account only.
    expect((await forAgency.request('PATCH', `/v1/bots/${agency.botId}`, { name: 'By the consultant' })).status).toBe(200);
    expect((await forClient.request('PATCH', `/v1/bots/${client.botId}`, { name: 'By the consultant' })).status).toBe(403);

    // An account they do not belong to, or none at all: 404 alike; a malformed id: 400.
    const stranger = await newOwner(platform());
    const notMine = await actingFor(consultant, stranger.accountId).request<ErrorBody>('GET', '/v1/account');
    const missing = await actingFor(consultant, '01ARZ3NDEKTSV4RRFFQ69G5FAV').request<ErrorBody>('GET', '/v1/account');
    expect([notMine.status, missing.status]).toEqual([404, 404]);
    expect(notMine.body).toEqual(missing.body);
    expect((await actingFor(consultant, 'A#whatever').request('GET', '/v1/bots')).status).toBe(400);
    // An owner naming their own account still works; naming another's is the same 404.
    expect(await accountIdOf(actingFor(stranger, stranger.accountId))).toBe(stranger.accountId);
    expect((await actingFor(stranger, agency.accountId).request('GET', `/v1/bots/${agency.botId}`)).status).toBe(404);
  });

  it('lets a member elsewhere, even an invited owner, create an account of their own, once', async () => {
    const company = await newOwner(platform());
    const partner = await joinTeam(platform(), company, 'owner');
    const own = await partner.request<{ account: { accountId: string; name: string } }>('POST', '/v1/account', { name: 'Side project' });
    expect(own.status).toBe(201);
    expect((await accountsOf(partner)).map((a) => [a.name, a.role]).sort()).toEqual([['Side project', 'owner'], ['Test account', 'owner']]);
    expect((await partner.request('POST', '/v1/account', { name: 'A third' })).status).toBe(409);
    const bot = await actingFor(partner, own.body.account.accountId).request<{ bot: { botId: string } }>('POST', '/v1/bots', { name: 'Mine' });
    expect(bot.status).toBe(201);
    expect((await company.request<{ bots: Array<{ botId: string }> }>('GET', '/v1/bots')).body.bots.map((b) => b.botId)).not.toContain(bot.body.bot.botId);
  });

  it('lets a member leave, ending their access, and refuses the last owner', async () => {
    const owner = await newOwner(platform());
    const admin = await joinTeam(platform(), owner, 'admin');
    expect((await admin.request('DELETE', `/v1/me/accounts/${owner.accountId}`)).status).toBe(204);
    expect((await admin.request('GET', `/v1/bots/${owner.botId}`)).status).toBe(403);
    expect(await accountsOf(admin)).toEqual([]);
    expect((await owner.request<{ members: Array<{ email: string }> }>('GET', '/v1/members')).body.members.map((m) => m.email)).toEqual([owner.email]);
    const log = await owner.request<{ entries: Array<{ action: string }> }>('GET', '/v1/audit?action=member.leave');
    expect(log.body.entries).toHaveLength(1);

    const last = await owner.request<ErrorBody>('DELETE', `/v1/me/accounts/${owner.accountId}`);
    expect(last.status).toBe(409);
    expect(last.body.error.message).toMatch(/only owner/);
    expect(await accountIdOf(owner)).toBe(owner.accountId);
    // With a second owner, the first may go.
    await joinTeam(platform(), owner, 'owner');
    expect((await owner.request('DELETE', `/v1/me/accounts/${owner.accountId}`)).status).toBe(204);

    // Leaving an account one does not belong to: the same 404 as for none.
    const stranger = await signIn(platform());
    const other = await newOwner(platform());
    expect((await stranger.request('DELETE', `/v1/me/accounts/${other.accountId}`)).status).toBe(404);
    expect((await stranger.request('DELETE', '/v1/me/accounts/not-an-id')).status).toBe(404);
    expect((await other.request('GET', '/v1/account')).status).toBe(200);
  });
});
