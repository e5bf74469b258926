/**
 * Who may use the admin panel: a Cognito user pool of account owners and team
 * members, its hosted sign-in (a Cognito domain), and the app client the admin
 * SPA signs in with (authorization code with PKCE, no secret). Its ID and
 * access tokens are what the HTTP API's JWT authorizer verifies.
 */
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';

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
  /** The admin panel's URL (`https://<host>/admin/`): where sign-in and sign-out return. */
  readonly adminUrl: string;
}

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
  }
}
