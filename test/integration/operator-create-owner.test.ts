// The operator's first owner: `npm run operator -- create-owner <email>` makes a Cognito
// sign-in through the real SDK (here against the fake Cognito `npm start` runs), which
// e-mails a temporary password; asked again before the first sign-in it sends the e-mail
// again, and for someone who signs in already it changes nothing.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalCognito, type LocalCognito, type LocalInvitation } from '../../infra/local/cognito-local.ts';

const run = promisify(execFile);
const operator = (...args: string[]) =>
  run(process.execPath, [path.resolve('infra/ops/operator.ts'), 'create-owner', ...args], { encoding: 'utf8', env: { ...process.env, AWS_REGION: '' } })
    .then(({ stdout }) => ({ code: 0, stdout, stderr: '' }))
    .catch((e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }));

describe('npm run operator -- create-owner', () => {
  let cognito: LocalCognito;
  const invitations: LocalInvitation[] = [];
  beforeAll(async () => {
    cognito = await startLocalCognito({ onInvitation: (i) => invitations.push(i) });
  });
  afterAll(() => cognito.stop());

  it('creates a verified sign-in that Cognito e-mails, again on request, and leaves one in use alone', async () => {
    const first = await operator(' Owner@Example.COM ', '--cognito', cognito.url);
    expect(first).toMatchObject({ code: 0 });
    expect(JSON.parse(first.stdout)).toEqual({ email: 'owner@example.com', delivery: 'sent' });
    expect(cognito.users()).toEqual([expect.objectContaining({ email: 'owner@example.com', emailVerified: true, status: 'FORCE_CHANGE_PASSWORD' })]);
    expect(invitations).toEqual([expect.objectContaining({ email: 'owner@example.com', kind: 'created' })]);

    // Lost the e-mail: asked again before the first sign-in, Cognito sends it again.
    expect(JSON.parse((await operator('owner@example.com', '--cognito', cognito.url)).stdout)).toEqual({ email: 'owner@example.com', delivery: 'sent' });
    expect(invitations.map((i) => i.kind)).toEqual(['created', 'resent']);

    await cognito.signedIn('owner@example.com');
    expect(JSON.parse((await operator('owner@example.com', '--cognito', cognito.url)).stdout)).toEqual({ email: 'owner@example.com', delivery: 'existing_sign_in' });
    expect(invitations).toHaveLength(2);
    expect(cognito.calls.filter((c) => c === 'AdminCreateUser')).toHaveLength(2);
  });

  it('says in plain words what it cannot use', async () => {
    const bad = await operator('not-an-address', '--cognito', cognito.url);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('does not look like an e-mail address');
    expect(bad.stderr).not.toMatch(/\n\s+at /);

    const noPool = await operator('someone@example.com');
    expect(noPool.code).toBe(2);
    expect(noPool.stderr).toContain('--pool <UserPoolId>');

    const wrongPool = await operator('someone@example.com', '--cognito', cognito.url, '--pool', 'eu-west-1_unknown');
    expect(wrongPool.code).toBe(2);
    expect(wrongPool.stderr).toMatch(/^create-owner: Cognito: .*(pool|not found|exist)/i);
  });
});
