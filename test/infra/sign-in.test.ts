// People can sign in on AWS: the first owner named at deploy time gets a Cognito user
// (address verified, invitation e-mailed, kept if the parameter goes away), the pool's
// invitation names the admin panel, and the admin function may invite into this pool
// only, through a policy of its own that closes no dependency cycle.
import { App } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ParleyApp } from '../../infra/app.ts';
import { INVITATION_ACTIONS } from '../../infra/constructs/auth.ts';
import { readDeployParameters } from '../../infra/parameters.ts';
import { dependencyCycles } from './fixtures/dependencies.ts';
import { arnRef, buildParleyApp, logicalIdOf, propertiesOf, resourcesOfType, templateOf } from './fixtures/parley-app.ts';

let parley: ParleyApp;
let template: Template;
let plain: ParleyApp;
let plainTemplate: Template;

beforeAll(() => {
  parley = buildParleyApp({ context: { firstOwnerEmail: 'Owner@Example.com' } });
  template = templateOf(parley);
  plain = buildParleyApp({ context: { selfSignUp: 'true' } });
  plainTemplate = templateOf(plain);
}, 180_000);

interface Statement { Action: string | string[]; Resource: unknown }
const statementsOf = (t: Template) => Object.values(resourcesOfType(t, 'AWS::IAM::Policy'))
  .flatMap((p) => (p.Properties?.PolicyDocument as { Statement: Statement[] }).Statement.map((s) => ({ ...s, roles: p.Properties?.Roles })));
const cognitoStatements = (t: Template) => statementsOf(t).filter((s) => [s.Action].flat().some((a) => a.startsWith('cognito-idp:')));

describe('the first owner', () => {
  it('is a Cognito user with a verified address whom Cognito e-mails, kept when the parameter goes away', () => {
    const users = Object.values(template.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string; UpdateReplacePolicy?: string }>)
      .filter((r) => r.Type === 'AWS::Cognito::UserPoolUser');
    expect(users).toEqual([{
      Type: 'AWS::Cognito::UserPoolUser',
      Properties: {
        UserPoolId: { Ref: logicalIdOf(parley.stack.auth.userPool) },
        Username: 'owner@example.com',
        UserAttributes: [{ Name: 'email', Value: 'owner@example.com' }, { Name: 'email_verified', Value: 'true' }],
        DesiredDeliveryMediums: ['EMAIL'],
      },
      // RetainExceptOnCreate: a failed first deployment may remove what it made, never a sign-in that was in use.
      DeletionPolicy: expect.stringMatching(/^Retain(ExceptOnCreate)?$/) as unknown,
      UpdateReplacePolicy: 'Retain',
    }]);
    expect(resourcesOfType(plainTemplate, 'AWS::Cognito::UserPoolUser')).toEqual({});
  });

  it('is a validated parameter: an e-mail address, lower-cased', () => {
    const read = (firstOwnerEmail: unknown) => readDeployParameters(new App({ context: { firstOwnerEmail } }).node).firstOwnerEmail;
    expect(read('Owner@Example.com')).toBe('owner@example.com');
    expect(read(undefined)).toBeUndefined();
    expect(() => read('owner')).toThrow(/firstOwnerEmail: expected an e-mail address/);
    expect(() => read(`${'a'.repeat(250)}@example.com`)).toThrow(/firstOwnerEmail/);
  });
});

describe('invitations', () => {
  it('name the admin panel, with the user name and temporary password Cognito fills in', () => {
    const pool = propertiesOf(template, parley.stack.auth.userPool) as { AdminCreateUserConfig: { AllowAdminCreateUserOnly: boolean; InviteMessageTemplate: { EmailSubject: string; EmailMessage: unknown } } };
    expect(pool.AdminCreateUserConfig.AllowAdminCreateUserOnly).toBe(true);
    expect(pool.AdminCreateUserConfig.InviteMessageTemplate.EmailSubject).toBe('You are invited to Parley');
    const message = JSON.stringify(pool.AdminCreateUserConfig.InviteMessageTemplate.EmailMessage);
    expect(message).toContain('{username}');
    expect(message).toContain('{####}');
    expect(message).toContain(JSON.stringify({ 'Fn::GetAtt': [logicalIdOf(parley.stack.hosting.distribution), 'DomainName'] }));
    expect(message).toContain('/admin/');
    // Signing in joins nothing (issue 19): the e-mail says the invitation's link does.
    expect(message).toContain('you join by opening the invitation link');
  });

  it('are the admin function’s to send, on this pool only, and no other function’s', () => {
    const statements = cognitoStatements(template);
    expect(statements).toEqual([expect.objectContaining({
      Action: [...INVITATION_ACTIONS].sort(),
      Resource: arnRef(parley.stack.auth.userPool),
      roles: [{ Ref: logicalIdOf(parley.stack.api.adminFunction.role) }],
    })]);
    const env = (app: ParleyApp, t: Template) => (propertiesOf(t, app.stack.api.adminFunction.function).Environment as { Variables: Record<string, unknown> }).Variables;
    expect(env(parley, template).PARLEY_SELF_SIGN_UP).toBe('false');
    expect(env(plain, plainTemplate).PARLEY_SELF_SIGN_UP).toBe('true');
    // The pool is not in any function's environment (it names the distribution, which names the functions).
    for (const fn of Object.values(resourcesOfType(template, 'AWS::Lambda::Function'))) {
      expect(JSON.stringify(fn.Properties?.Environment ?? {})).not.toContain(logicalIdOf(parley.stack.auth.userPool));
    }
  });

  it('leave no dependency cycle', () => {
    expect(dependencyCycles(template.toJSON() as never)).toEqual([]);
    expect(dependencyCycles(plainTemplate.toJSON() as never)).toEqual([]);
  });
});
