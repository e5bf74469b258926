// Invitations where only invited people may sign in (self sign-up off): inviting
// creates the invitee's Cognito user (here the fake Cognito, through the real
// SDK), which e-mails them; resending and cancelling work, and cancelling removes
// only a sign-in nobody has used and nothing else waits for.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { LocalInvitation } from '../../infra/local/cognito-local.ts';
import { newOwner, signIn, usePlatform, type InvitationSent as Invited, type Owner } from './fixtures/platform.ts';

describe('invitations with Cognito sign-ins', () => {
  const mail: LocalInvitation[] = [];
  const platform = usePlatform({ onInvitation: (i) => mail.push(i) });
  const address = () => `invitee-${randomUUID()}@example.com`;
  const userOf = (email: string) => platform().cognito.users().find((u) => u.email === email);
  const mailTo = (email: string) => mail.filter((m) => m.email === email).map((m) => m.kind);
  const invite = (owner: Owner, email: string, role = 'viewer') => owner.request<Invited>('POST', '/v1/members', { email, role });
  const resend = (client: { request: Owner['request'] }, email: string) => client.request<Invited>('POST', `/v1/invitations/${encodeURIComponent(email)}/resend`);

  it('creates a verified Cognito user that is e-mailed an invitation, and the invitee joins by its link', async () => {
    const owner = await newOwner(platform());
    const email = address();
    const res = await invite(owner, email.toUpperCase(), 'admin');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ invitation: { email, role: 'admin' }, delivery: 'sent' });
    expect(userOf(email)).toMatchObject({ emailVerified: true, status: 'FORCE_CHANGE_PASSWORD' });
    expect(mailTo(email)).toEqual(['created']);
    const invitee = await signIn(platform(), email);
    expect(userOf(email)?.status).toBe('CONFIRMED');
    expect((await invitee.request('POST', '/v1/me/invitations/accept', { token: res.body.token })).status).toBe(200);
    expect((await invitee.request<{ role: string }>('GET', '/v1/account')).body.role).toBe('admin');
    const log = await owner.request<{ entries: Array<{ action: string; detail?: Record<string, unknown> }> }>('GET', '/v1/audit?action=member.invite');
    expect(log.body.entries.find((e) => e.action === 'member.invite')?.detail).toEqual({ role: 'admin', delivery: 'sent' });
  });

  it('resends a pending invitation with a new temporary password and a new expiry, audited', async () => {
    const owner = await newOwner(platform());
    const email = address();
    const first = await invite(owner, email);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const again = await resend(owner, email);
    expect(again.status).toBe(200);
    expect(again.body.delivery).toBe('sent');
    expect(Date.parse(again.body.invitation.expiresAt)).toBeGreaterThan(Date.parse(first.body.invitation.expiresAt));
    expect(mailTo(email)).toEqual(['created', 'resent']);
    const team = await owner.request<{ invitations: Array<{ email: string; expiresAt: string }> }>('GET', '/v1/members');
    expect(team.body.invitations).toEqual([expect.objectContaining({ email, expiresAt: again.body.invitation.expiresAt })]);
    const log = await owner.request<{ entries: Array<{ action: string; detail?: Record<string, unknown> }> }>('GET', '/v1/audit?action=member.invite_resent');
    expect(log.body.entries).toEqual([expect.objectContaining({ action: 'member.invite_resent', outcome: 'ok', detail: { delivery: 'sent' } })]);
  });

  it('creates the sign-in again on resend when it is gone', async () => {
    const owner = await newOwner(platform());
    const email = address();
    await invite(owner, email);
    // Someone deleted the user in the Cognito console.
    await owner.request('DELETE', `/v1/invitations/${encodeURIComponent(email)}`);
    await invite(owner, email);
    expect(mailTo(email)).toEqual(['created', 'created']);
    expect((await resend(owner, email)).body.delivery).toBe('sent');
    expect(mailTo(email)).toEqual(['created', 'created', 'resent']);
  });

  it('answers 404 for another account’s invitation or none, and 403 for an admin', async () => {
    const owner = await newOwner(platform());
    const email = address();
    await invite(owner, email);
    const other = await newOwner(platform());
    expect((await resend(other, email)).status).toBe(404);
    expect((await other.request('DELETE', `/v1/invitations/${encodeURIComponent(email)}`)).status).toBe(404);
    expect((await resend(owner, address())).status).toBe(404);
    expect(mailTo(email)).toEqual(['created']);
    expect(userOf(email)).toBeDefined();
    const adminEmail = address();
    const adminInvite = await invite(owner, adminEmail, 'admin');
    const admin = await signIn(platform(), adminEmail);
    expect((await admin.request('POST', '/v1/me/invitations/accept', { token: adminInvite.body.token })).status).toBe(200);
    expect((await resend(admin, email)).status).toBe(403);
    expect(mailTo(email)).toEqual(['created']);
  });

  it('sends nothing to an address that already signs in: the owner passes the link on', async () => {
    const elsewhere = await newOwner(platform());
    const owner = await newOwner(platform());
    const res = await invite(owner, elsewhere.email);
    expect(res.body.delivery).toBe('existing_sign_in');
    expect(mailTo(elsewhere.email)).toEqual([]);
    expect((await resend(owner, elsewhere.email)).body.delivery).toBe('existing_sign_in');
  });

  it('cancelling removes the Cognito user only if nobody used it and nothing else waits for it', async () => {
    const owner = await newOwner(platform());
    const unused = address();
    await invite(owner, unused);
    expect((await owner.request('DELETE', `/v1/invitations/${encodeURIComponent(unused)}`)).status).toBe(204);
    expect(userOf(unused)).toBeUndefined();

    // Another account's invitation still waits for this sign-in.
    const shared = address();
    const other = await newOwner(platform());
    await invite(owner, shared);
    await invite(other, shared);
    expect(mailTo(shared)).toEqual(['created', 'resent']);
    await owner.request('DELETE', `/v1/invitations/${encodeURIComponent(shared)}`);
    expect(userOf(shared)).toBeDefined();
    await other.request('DELETE', `/v1/invitations/${encodeURIComponent(shared)}`);
    expect(userOf(shared)).toBeUndefined();

    // Someone who has signed in keeps their sign-in.
    const used = address();
    await signIn(platform(), used);
    await invite(owner, used);
    await owner.request('DELETE', `/v1/invitations/${encodeURIComponent(used)}`);
    expect(userOf(used)?.status).toBe('CONFIRMED');

    const confirmed = address();
    await invite(owner, confirmed);
    await signIn(platform(), confirmed);
    await invite(other, confirmed);
    await other.request('DELETE', `/v1/invitations/${encodeURIComponent(confirmed)}`);
    expect(userOf(confirmed)?.status).toBe('CONFIRMED');
  });
});
