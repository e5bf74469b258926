/**
 * Who may use the admin panel: a Cognito user pool of account owners and team
 * members, its hosted sign-in (a Cognito domain), and the app client the admin
 * SPA signs in with (authorization code with PKCE, no secret). The admin
 * function checks the panel's ID tokens itself and learns the pool and client
 * from an SSM parameter this construct writes (`settingsParameter`).
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { INVITATION_SUBJECT, invitationBody } from '../invitation-message.ts';
import type { ParleyFunction } from './parley-function.ts';

export interface AuthProps {
  /**
   * Cognito feature plan. `PLUS` adds threat protection (compromised
   * credentials, adaptive authentication) at a per-user price.
   * @default cognito.FeaturePlan.ESSENTIALS
   */
  readonly featurePlan?: cognito.FeaturePlan;
  /**
   * Minimum password length; upper- and lower-case letters, digits and symbols are always required.
   * @default 12
   */
  readonly minPasswordLength?: number;
  /**
   * Whether anyone may sign up on the hosted sign-in page.
   * @default false (owners invite their team; the operator creates owners)
   */
  readonly selfSignUp?: boolean;
  /**
   * Prefix of the hosted sign-in domain, `https://<prefix>.auth.<region>.amazoncognito.com`;
   * lower-case letters, digits and dashes, unique in the region.
   */
  readonly domainPrefix: string;
  /** The admin panel's URL (`https://<host>/admin/`): where sign-in and sign-out return, and what invitations name. */
  readonly adminUrl: string;
  /**
   * The first owner's e-mail address: a user created at deploy time, address verified, whom
   * Cognito e-mails a temporary password. Kept when the parameter is removed or changed.
   * @default - none (`npm run operator -- create-owner <email>` does the same later)
   */
  readonly firstOwnerEmail?: string;
  /** Name of the SSM parameter that tells the admin function the pool and client (`/parley/<stage>/admin-auth`). */
  readonly settingsParameterName: string;
}

/** What the admin function may do with the pool's users: invite (create, resend), look up, and delete an unused invitation. */
export const INVITATION_ACTIONS = ['cognito-idp:AdminCreateUser', 'cognito-idp:AdminGetUser', 'cognito-idp:AdminDeleteUser'] as const;

/** The scopes the panel asks for. */
export const adminScopes = ['openid', 'email', 'profile'] as const;

export class Auth extends Construct {
  readonly userPool: cognito.UserPool;
  /** The admin SPA's public client (no secret; authorization code with PKCE through the hosted sign-in). */
  readonly adminClient: cognito.UserPoolClient;
  /** The hosted sign-in domain. */
  readonly domain: cognito.UserPoolDomain;
  /** `https://<prefix>.auth.<region>.amazoncognito.com`, as the panel's config.json and CSP name it. */
  readonly domainUrl: string;
  /** `{"userPoolId","clientId"}`, which the admin function reads (`lambdas/adapters/auth/admin-auth-settings.ts`). */
  readonly settingsParameter: ssm.StringParameter;

  constructor(scope: Construct, id: string, props: AuthProps) {
    super(scope, id);
    const featurePlan = props.featurePlan ?? cognito.FeaturePlan.ESSENTIALS;

    this.userPool = new cognito.UserPool(this, 'UserPool', {
      // By default team members are invited by an owner and nobody signs themselves up.
      selfSignUpEnabled: props.selfSignUp ?? false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: props.minPasswordLength ?? 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
        passwordHistorySize: 5,
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      // What an invited person (or the first owner) receives: their temporary password and the panel's address.
      userInvitation: { emailSubject: INVITATION_SUBJECT, emailBody: invitationBody(props.adminUrl) },
      featurePlan,
      deletionProtection: true,
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG2',
      reason:
        'MFA is offered (TOTP) but optional so invited team members can sign in before enrolling; ' +
        'requiring it is a per-deployment decision for the hardening issue.',
    });
    if (featurePlan !== cognito.FeaturePlan.PLUS) {
      Validations.of(this.userPool).acknowledge({
        id: 'AwsSolutions-COG8',
        reason:
          'Threat protection (Plus plan) is priced per monthly active user; the pool holds a few invited admins ' +
          'with strong passwords and optional TOTP. Operators who want it set featurePlan to PLUS.',
      });
    }

    if (props.firstOwnerEmail) {
      const owner = new cognito.CfnUserPoolUser(this, 'FirstOwner', {
        userPoolId: this.userPool.userPoolId,
        // The pool signs in by e-mail, so the address is the user name.
        username: props.firstOwnerEmail,
        userAttributes: [{ name: 'email', value: props.firstOwnerEmail }, { name: 'email_verified', value: 'true' }],
        desiredDeliveryMediums: ['EMAIL'],
      });
      // Removing or changing the parameter must not delete a person's sign-in.
      owner.applyRemovalPolicy(RemovalPolicy.RETAIN);
    }

    this.domain = this.userPool.addDomain('HostedSignIn', {
      cognitoDomain: { domainPrefix: props.domainPrefix },
      managedLoginVersion: cognito.ManagedLoginVersion.CLASSIC_HOSTED_UI,
    });
    this.domainUrl = `https://${props.domainPrefix}.auth.${Stack.of(this).region}.amazoncognito.com`;

    this.adminClient = this.userPool.addClient('AdminClient', {
      // A browser app keeps no secret: authorization code with PKCE (the panel sends the challenge).
      generateSecret: false,
      // Sign-in only through the hosted page; the API flows are off but refreshing tokens.
      authFlows: { userSrp: false },
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls: [props.adminUrl],
        logoutUrls: [props.adminUrl],
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
    });

    this.settingsParameter = new ssm.StringParameter(this, 'Settings', {
      parameterName: props.settingsParameterName,
      description: 'Parley: the user pool and the admin panel\'s app client, for the admin function\'s sign-in check',
      stringValue: Stack.of(this).toJsonString({ userPoolId: this.userPool.userPoolId, clientId: this.adminClient.userPoolClientId }),
    });
  }

  /**
   * Lets `fn` invite people into this pool (INVITATION_ACTIONS on this pool only). A policy of
   * its own rather than the role's default policy: the pool's invitation names the distribution
   * that fronts the function, and the function waits for its default policy, so naming the pool
   * there would close a dependency cycle.
   */
  grantInvitations(fn: ParleyFunction): iam.Policy {
    const policy = new iam.Policy(this, `Invitations${fn.node.id}`, {
      statements: [new iam.PolicyStatement({ sid: 'Invitations', actions: [...INVITATION_ACTIONS], resources: [this.userPool.userPoolArn] })],
    });
    policy.attachToRole(fn.role);
    return policy;
  }
}
