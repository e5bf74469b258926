/**
 * Who may use the admin panel: a Cognito user pool of invited account owners
 * and team members, and the app client the admin SPA signs in with. Its ID
 * and access tokens are what the HTTP API's JWT authorizer verifies.
 */
import { Duration, Validations } from 'aws-cdk-lib';
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
}

export class Auth extends Construct {
  readonly userPool: cognito.UserPool;
  /** The admin SPA's public client (no secret; SRP sign-in). */
  readonly adminClient: cognito.UserPoolClient;

  constructor(scope: Construct, id: string, props: AuthProps = {}) {
    super(scope, id);
    const featurePlan = props.featurePlan ?? cognito.FeaturePlan.ESSENTIALS;

    this.userPool = new cognito.UserPool(this, 'UserPool', {
      // Team members are invited by an owner; nobody signs themselves up.
      selfSignUpEnabled: false,
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

    this.adminClient = this.userPool.addClient('AdminClient', {
      generateSecret: false,
      authFlows: { userSrp: true },
      // The hosted UI and its callback URLs come with the admin SPA's hosting.
      disableOAuth: true,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
    });
  }
}
