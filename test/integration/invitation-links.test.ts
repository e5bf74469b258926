// Issue 19: an invitation is joined only by following its link. Each carries a
// single-use, expiring secret; only the signed-in person with that verified address
// who presents it joins; other invitations stay pending, listed for them with
// accept and decline; a resend replaces the secret; nothing is accepted at sign-in.
import { createHash, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { tenantForSystem } from '../../lambdas/core/tenancy.ts';
import { newOwner, signIn, usePlatform, type ApiClient, type InvitationSent, type Owner } from './fixtures/platform.ts';

interface Pending { accountId: string; accountName: string; role: string; invitedByEmail: string | null; invitedAt: string; expiresAt: string }
type ErrorBody = { error: { code: string; message: string } };

describe('invitation links', () => {
  const platform = usePlatform();
  const unique = (name: string, domain: string) => `${name}-${randomUUID()}@${domain}`;
  const ownerOf = async (email: string, name: string): Promise<ApiClient & { accountId: string }> => {
    const client = await signIn(platform(), email);
    const res = await client.request<{ account: { accountId: string } }>('POST', '/v1/account', { name });
    expect(res.status).toBe(201);
    return { ...client, accountId: res.body.account.accountId };
  };
  const invite = async (owner: ApiClient, email: string, role = 'admin') => {
    const res = await owner.request<InvitationSent>('POST', '/v1/members', { email, role });
    expect(res.status).toBe(201);
    return res.body.token;
  };
  const accept = (client: ApiClient, token: string) => client.request<ErrorBody & { joined: { accountId: string; accountName: string; role: string } }>('POST', '/v1/me/invitations/accept', { token });
  const pendingFor = async (client: ApiClient) => (await client.request<{ invitations: Pending[] }>('GET', '/v1/me/invitations')).body.invitations;
  const team = async (owner: ApiClient) =>
    (await owner.request<{ members: Array<{ email: string; role: string }>; invitations: Array<{ email: string }> }>('GET', '/v1/members')).body;

  it('puts the new hire in Acme only, after following Acme’s link, however early an attacker invited them (the issue’s reproduction)', async () => {
    const attacker = await ownerOf(unique('attacker', 'evil.test'), 'Acme');
    const newHire = unique('newhire', 'acme.test');
    const attackerToken = await invite(attacker, newHire);
    const acme = await ownerOf(unique('owner', 'acme.test'), 'Acme');
    const acmeToken = await invite(acme, newHire);
    expect(attacker.accountId < acme.accountId).toBe(true);

    const hire = await signIn(platform(), newHire);
    // Signing in joins nothing: no account until they follow a link.
    const before = await hire.request<ErrorBody>('GET', '/v1/account');
    expect(before.status).toBe(403);
    expect(before.body.error.message).toMatch(/no Parley account/);
    // Both invitations are pending and say who sent them: the same account name, different inviters.
    expect((await pendingFor(hire)).map((p) => [p.accountId, p.accountName, p.invitedByEmail, p.role]).sort()).toEqual([
      [attacker.accountId, 'Acme', attacker.email, 'admin'],
      [acme.accountId, 'Acme', acme.email, 'admin'],
    ].sort());

    const joined = await accept(hire, acmeToken);
    expect(joined.status).toBe(200);
    expect(joined.body.joined).toEqual({ accountId: acme.accountId, accountName: 'Acme', role: 'admin' });
    const account = await hire.request<{ account: { accountId: string }; role: string }>('GET', '/v1/account');
    expect(account.body).toMatchObject({ account: { accountId: acme.accountId }, role: 'admin' });
    // What they make goes to Acme.
    const bot = await hire.request<{ bot: { botId: string } }>('POST', '/v1/bots', { name: 'Acme help' });
    expect((await acme.request<{ bots: Array<{ botId: string }> }>('GET', '/v1/bots')).body.bots.map((b) => b.botId)).toEqual([bot.body.bot.botId]);
    expect((await attacker.request<{ bots: unknown[] }>('GET', '/v1/bots')).body.bots).toEqual([]);

    // The attacker's invitation moved nobody: still pending, the new hire is not their member.
    expect(await team(attacker)).toEqual({ members: [expect.objectContaining({ email: attacker.email, role: 'owner' })], invitations: [expect.objectContaining({ email: newHire })] });
    expect((await team(acme)).members.map((m) => m.email).sort()).toEqual([acme.email, newHire].sort());
    expect((await team(acme)).invitations).toEqual([]);
    expect((await pendingFor(hire)).map((p) => p.accountId)).toEqual([attacker.accountId]);
    // The attacker cannot use their own link for the new hire, nor Acme's used one.
    expect((await accept(attacker, attackerToken)).status).toBe(404);
    expect((await accept(attacker, acmeToken)).status).toBe(404);
  });

  it('works once, for the invited address only, and never with a changed secret or another account’s id', async () => {
    const owner = await newOwner(platform());
    const email = unique('once', 'example.com');
    const token = await invite(owner, email, 'viewer');
    const [accountId, secret] = token.split('.') as [string, string];
    const stranger = await signIn(platform(), unique('stranger', 'example.com'));
    const invitee = await signIn(platform(), email);
    const other = await newOwner(platform());

    expect((await accept(stranger, token)).status).toBe(404);
    const flipped = secret.slice(0, -1) + (secret.endsWith('A') ? 'B' : 'A');
    expect((await accept(invitee, `${accountId}.${flipped}`)).status).toBe(404);
    expect((await accept(invitee, `${other.accountId}.${secret}`)).status).toBe(404);
    for (const bad of ['', 'not-a-token', accountId, `${accountId}.${secret}x`, `../${secret}`]) {
      const res = await accept(invitee, bad);
      expect({ bad, status: res.status, code: res.body.error.code }).toEqual({ bad, status: 400, code: 'invalid_request' });
    }
    expect((await invitee.request('POST', '/v1/me/invitations/accept', { token: 'x'.repeat(201) })).status).toBe(400);
    expect((await invitee.request('POST', '/v1/me/invitations/accept', { token, accountId })).status).toBe(400);

    expect((await accept(invitee, token)).status).toBe(200);
    const again = await accept(invitee, token);
    expect(again.status).toBe(404);
    expect(again.body.error.message).toMatch(/does not work/);
    const log = await owner.request<{ entries: Array<{ action: string; actor: { userId?: string } }> }>('GET', '/v1/audit?action=member.join');
    expect(log.body.entries).toHaveLength(1);
  });

  it('stops the old link when the owner resends, and every link when the owner cancels', async () => {
    const owner = await newOwner(platform());
    const email = unique('resent', 'example.com');
    const first = await invite(owner, email);
    const resent = await owner.request<InvitationSent>('POST', `/v1/invitations/${encodeURIComponent(email)}/resend`);
    expect(resent.status).toBe(200);
    expect(resent.body.token).not.toBe(first);
    const invitee = await signIn(platform(), email);
    expect((await accept(invitee, first)).status).toBe(404);

    const cancelled = unique('cancelled', 'example.com');
    const token = await invite(owner, cancelled);
    expect((await owner.request('DELETE', `/v1/invitations/${encodeURIComponent(cancelled)}`)).status).toBe(204);
    const late = await signIn(platform(), cancelled);
    expect((await accept(late, token)).status).toBe(404);
    expect(await pendingFor(late)).toEqual([]);

    expect((await accept(invitee, resent.body.token)).status).toBe(200);
  });

  it('refuses an expired link with a clear message', async () => {
    const owner = await newOwner(platform());
    const email = unique('expired', 'example.com');
    const token = await invite(owner, email);
    // The stored invitation, as it will be after its 14 days.
    const secret = token.split('.')[1]!;
    const tenant = tenantForSystem(owner.accountId);
    const kept = (await platform().deps.accounts.listInvitations(tenant)).find((i) => i.email === email)!;
    const past = new Date(Date.now() - 60_000).toISOString();
    await platform().deps.accounts.putInvitation(tenant, { ...kept, expiresAt: past }, createHash('sha256').update(secret).digest('hex'));
    const invitee = await signIn(platform(), email);
    const res = await accept(invitee, token);
    expect(res.status).toBe(404);
    expect(res.body.error.message).toMatch(/send it again/);
    expect(await pendingFor(invitee)).toEqual([]);
    expect((await invitee.request('GET', '/v1/account')).status).toBe(403);
  });

  it('leaves the other invitations pending when one is accepted, and lets the invitee decline one', async () => {
    const first = await newOwner(platform());
    const second = await newOwner(platform());
    const email = unique('twice', 'example.com');
    const firstToken = await invite(first, email, 'viewer');
    const secondToken = await invite(second, email, 'admin');
    const invitee = await signIn(platform(), email);
    expect((await accept(invitee, firstToken)).status).toBe(200);
    const pending = await pendingFor(invitee);
    expect(pending).toEqual([{
      accountId: second.accountId, accountName: 'Test account', role: 'admin', invitedByEmail: second.email,
      invitedAt: expect.any(String) as string, expiresAt: expect.any(String) as string,
    }]);
    // Still acting for the first account only.
    expect((await invitee.request<{ account: { accountId: string } }>('GET', '/v1/account')).body.account.accountId).toBe(first.accountId);

    // Declining: only an invitation waiting for this address; the same 404 for none, another's, or a bad id.
    const stranger = await signIn(platform(), unique('stranger', 'example.com'));
    for (const id of [second.accountId, 'not-an-id', '01ARZ3NDEKTSV4RRFFQ69G5FAV']) {
      expect((await stranger.request('DELETE', `/v1/me/invitations/${id}`)).status).toBe(404);
    }
    expect((await invitee.request('DELETE', `/v1/me/invitations/${second.accountId}`)).status).toBe(204);
    expect(await pendingFor(invitee)).toEqual([]);
    expect((await team(second)).invitations).toEqual([]);
    expect((await accept(invitee, secondToken)).status).toBe(404);
    expect((await invitee.request('DELETE', `/v1/me/invitations/${second.accountId}`)).status).toBe(404);
    const log = await second.request<{ entries: Array<{ action: string; target?: string }> }>('GET', '/v1/audit?action=member.invite_declined');
    expect(log.body.entries).toHaveLength(1);
  });

  it('answers 400, not 500, to a long or malformed address in the invitation routes', async () => {
    const owner: Owner = await newOwner(platform());
    for (const email of [`${'a'.repeat(300)}@example.com`, 'no-at-sign', `x@${'b'.repeat(2000)}.com`, '%', ' ']) {
      for (const [method, suffix] of [['DELETE', ''], ['POST', '/resend']] as const) {
        const res = await owner.request<ErrorBody>(method, `/v1/invitations/${encodeURIComponent(email)}${suffix}`);
        expect({ email: email.slice(0, 20), method, status: res.status }).toEqual({ email: email.slice(0, 20), method, status: 400 });
        expect(res.body.error.code).toBe('invalid_request');
      }
    }
  });
});
