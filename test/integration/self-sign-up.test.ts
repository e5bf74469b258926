// Where people sign themselves up (the selfSignUp deploy parameter), an invitation
// creates no sign-in and sends nothing: the owner is told to have them sign up.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newOwner, signIn, usePlatform, type InvitationSent } from './fixtures/platform.ts';

describe('invitations under self sign-up', () => {
  const platform = usePlatform({ env: () => ({ PARLEY_SELF_SIGN_UP: 'true' }) });

  it('creates no Cognito user, resends nothing, and still lets the invitee join by the link', async () => {
    const owner = await newOwner(platform());
    const before = platform().cognito.calls.length;
    const email = `self-${randomUUID()}@example.com`;
    const res = await owner.request<{ delivery: string }>('POST', '/v1/members', { email, role: 'viewer' });
    expect(res.status).toBe(201);
    expect(res.body.delivery).toBe('self_sign_up');
    const again = await owner.request<{ delivery: string }>('POST', `/v1/invitations/${encodeURIComponent(email)}/resend`);
    expect(again.body.delivery).toBe('self_sign_up');
    await owner.request('DELETE', `/v1/invitations/${encodeURIComponent(email)}`);
    expect(platform().cognito.calls.slice(before)).toEqual([]);
    const invited = await owner.request<InvitationSent>('POST', '/v1/members', { email, role: 'viewer' });
    const invitee = await signIn(platform(), email);
    expect((await invitee.request('POST', '/v1/me/invitations/accept', { token: invited.body.token })).status).toBe(200);
    expect((await invitee.request<{ role: string }>('GET', '/v1/account')).body.role).toBe('viewer');
  });
});
