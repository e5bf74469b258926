// The sign-in directory's Cognito adapter, driven through the real Cognito SDK
// against the fake Cognito on loopback, and the fake's wire format itself.
import { randomUUID } from 'node:crypto';
import { AdminGetUserCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCognitoDirectory } from '../../lambdas/adapters/auth/cognito-directory.ts';
import { AppError } from '../../lambdas/core/errors.ts';
import { startLocalCognito, type LocalCognito, type LocalInvitation } from '../../infra/local/cognito-local.ts';
import { localSubFor } from '../../infra/local/local-identity.ts';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

describe('the Cognito sign-in directory', () => {
  let cognito: LocalCognito;
  const invitations: LocalInvitation[] = [];
  beforeAll(async () => {
    cognito = await startLocalCognito({ onInvitation: (i) => invitations.push(i) });
  });
  afterAll(async () => {
    await cognito.stop();
  });
  const directory = (userPoolId = cognito.userPoolId) =>
    createCognitoDirectory({ userPoolId: () => Promise.resolve(userPoolId), clientConfig: { region: 'eu-west-1', endpoint: cognito.url, credentials } });
  const address = () => `person-${randomUUID()}@example.com`;

  it('creates a verified user that Cognito e-mails an invitation, once', async () => {
    const email = address();
    expect(await directory().createUser(email)).toBe('created');
    expect(cognito.users().find((u) => u.email === email)).toMatchObject({ emailVerified: true, status: 'FORCE_CHANGE_PASSWORD' });
    const sent = invitations.filter((i) => i.email === email);
    expect(sent).toEqual([{ email, kind: 'created', temporaryPassword: expect.stringMatching(/^.{12,}$/) as unknown }]);
    expect(sent[0]!.temporaryPassword).toMatch(/[A-Z]/);
    expect(sent[0]!.temporaryPassword).toMatch(/[a-z]/);
    expect(sent[0]!.temporaryPassword).toMatch(/\d/);
    expect(await directory().createUser(email)).toBe('exists');
    expect(await directory().createUser(email.toUpperCase())).toBe('exists');
    expect(invitations.filter((i) => i.email === email)).toHaveLength(1);
  });

  it('finds a user with the sub their tokens carry, and whether they have signed in', async () => {
    const email = address();
    expect(await directory().findUser(email)).toBeNull();
    await directory().createUser(email);
    expect(await directory().findUser(email)).toEqual({ userId: localSubFor(email), awaitingFirstSignIn: true });
    await cognito.signedIn(email);
    expect(await directory().findUser(email)).toEqual({ userId: localSubFor(email), awaitingFirstSignIn: false });
  });

  it('resends an invitation with a new temporary password only to a user who has not signed in', async () => {
    const email = address();
    await directory().createUser(email);
    await directory().resendInvitation(email);
    const sent = invitations.filter((i) => i.email === email);
    expect(sent.map((i) => i.kind)).toEqual(['created', 'resent']);
    expect(sent[1]!.temporaryPassword).not.toBe(sent[0]!.temporaryPassword);
    await cognito.signedIn(email);
    await expect(directory().resendInvitation(email)).rejects.toMatchObject({ name: 'UnsupportedUserStateException' });
    await expect(directory().resendInvitation(address())).rejects.toMatchObject({ name: 'UserNotFoundException' });
  });

  it('deletes a user, and deleting one that is gone is no error', async () => {
    const email = address();
    await directory().createUser(email);
    await directory().deleteUser(email);
    expect(await directory().findUser(email)).toBeNull();
    await expect(directory().deleteUser(email)).resolves.toBeUndefined();
  });

  it('turns a refused address into a 400 and leaves other failures as they are', async () => {
    const refused = await directory().createUser('not-an-address').catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ status: 400, message: expect.stringMatching(/^email:/) as unknown });
    await expect(directory('eu-west-1_Nope').createUser(address())).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('speaks JSON 1.1 with real error shapes, and refuses unsigned calls', async () => {
    const email = address();
    await directory().createUser(email);
    const post = (target: string, body: unknown, headers: Record<string, string> = {}) => fetch(cognito.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityProviderService.${target}`, ...headers },
      body: JSON.stringify(body),
    });
    const unsigned = await post('AdminGetUser', { UserPoolId: cognito.userPoolId, Username: email });
    expect(unsigned.status).toBe(400);
    expect(await unsigned.json()).toEqual({ __type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' });
    const signed = { authorization: 'AWS4-HMAC-SHA256 Credential=local/20260101/eu-west-1/cognito-idp/aws4_request, SignedHeaders=host, Signature=00' };
    const exists = await post('AdminCreateUser', { UserPoolId: cognito.userPoolId, Username: email, DesiredDeliveryMediums: ['EMAIL'] }, signed);
    expect(exists.status).toBe(400);
    expect(exists.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(exists.headers.get('x-amzn-errortype')).toBe('UsernameExistsException:');
    expect(await exists.json()).toEqual({ __type: 'UsernameExistsException', message: 'An account with the given email already exists.' });
    expect((await post('AdminDisableUser', { UserPoolId: cognito.userPoolId, Username: email }, signed)).status).toBe(400);
    // The real SDK reads the fake's answer, dates included.
    const client = new CognitoIdentityProviderClient({ region: 'eu-west-1', endpoint: cognito.url, credentials });
    const user = await client.send(new AdminGetUserCommand({ UserPoolId: cognito.userPoolId, Username: email }));
    expect(user.UserCreateDate).toBeInstanceOf(Date);
    expect(user.UserAttributes).toEqual(expect.arrayContaining([{ Name: 'email', Value: email }, { Name: 'email_verified', Value: 'true' }]));
    client.destroy();
  });

  it('keeps users in the data folder across restarts, without any password', async () => {
    const fs = await import('node:fs/promises');
    const os = await import('node:os');
    const path = await import('node:path');
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'parley-cognito-'));
    try {
      const first = await startLocalCognito({ dataDir, onInvitation: (i) => invitations.push(i) });
      const email = address();
      const d = createCognitoDirectory({ userPoolId: () => Promise.resolve(first.userPoolId), clientConfig: { region: 'eu-west-1', endpoint: first.url, credentials } });
      await d.createUser(email);
      await first.stop();
      const again = await startLocalCognito({ dataDir });
      expect(again.users().map((u) => u.email)).toEqual([email]);
      const stored = await fs.readFile(path.join(dataDir, 'cognito-users.json'), 'utf8');
      const password = invitations.find((i) => i.email === email)!.temporaryPassword;
      expect(stored).not.toContain(password);
      expect((await fs.stat(path.join(dataDir, 'cognito-users.json'))).mode & 0o077).toBe(0);
      await again.stop();
    } finally {
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  });
});
