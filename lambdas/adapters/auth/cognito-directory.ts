/**
 * The sign-in directory on Cognito: invited people get a user created by the
 * admin function (AdminCreateUser), with their address already verified (the
 * owner vouched for it by inviting) and Cognito's invitation e-mail, which holds
 * a temporary password and names the admin panel. Locally the same calls go to
 * the fake Cognito on loopback (`infra/local/cognito-local.ts`).
 *
 * Pools sign in by e-mail (`UsernameAttributes: email`), so the address is the
 * user name these calls take.
 */
import type { CognitoIdentityProviderClient, CognitoIdentityProviderClientConfig } from '@aws-sdk/client-cognito-identity-provider';
import { AppError, invalid } from '../../core/errors.ts';
import type { DirectoryUser, SignInDirectory } from '../../core/ports.ts';
import { recordAwsCalls } from '../aws/call-log.ts';

export interface CognitoDirectoryOptions {
  /** The user pool, looked up when first needed (on AWS it comes from an SSM parameter). */
  readonly userPoolId: () => Promise<string>;
  /** The client, or what to build one with (region, endpoint override). */
  readonly client?: Pick<CognitoIdentityProviderClient, 'send'>;
  readonly clientConfig?: CognitoIdentityProviderClientConfig;
}

const named = (err: unknown, ...names: string[]): boolean => err instanceof Error && names.includes(err.name);

/** Cognito's refusals in words an owner can act on; anything else stays an internal error. */
const translated = (err: unknown): unknown => {
  if (named(err, 'InvalidParameterException')) return invalid('email: the sign-in service does not accept that address.', { field: 'email' });
  if (named(err, 'TooManyRequestsException', 'LimitExceededException')) {
    return new AppError('unavailable', 'The sign-in service is busy: try again in a minute.', undefined, 60);
  }
  if (named(err, 'CodeDeliveryFailureException')) {
    return new AppError('unavailable', 'The invitation e-mail could not be sent: try again later.');
  }
  return err;
};

export const createCognitoDirectory = (options: CognitoDirectoryOptions): SignInDirectory => {
  let client = options.client;
  /** The SDK module (loaded on first use: only the admin function calls Cognito, the other bundles leave it out), client and pool. */
  const ready = async () => {
    const sdk = await import('@aws-sdk/client-cognito-identity-provider');
    client ??= recordAwsCalls(new sdk.CognitoIdentityProviderClient(options.clientConfig ?? {}));
    return { sdk, cognito: client, UserPoolId: await options.userPoolId() };
  };

  return {
    async createUser(email) {
      const { sdk, cognito, UserPoolId } = await ready();
      try {
        await cognito.send(new sdk.AdminCreateUserCommand({
          UserPoolId,
          Username: email,
          UserAttributes: [{ Name: 'email', Value: email }, { Name: 'email_verified', Value: 'true' }],
          DesiredDeliveryMediums: ['EMAIL'],
        }));
        return 'created';
      } catch (err) {
        if (named(err, 'UsernameExistsException', 'AliasExistsException')) return 'exists';
        throw translated(err);
      }
    },

    async findUser(email): Promise<DirectoryUser | null> {
      const { sdk, cognito, UserPoolId } = await ready();
      let user;
      try {
        user = await cognito.send(new sdk.AdminGetUserCommand({ UserPoolId, Username: email }));
      } catch (err) {
        if (named(err, 'UserNotFoundException')) return null;
        throw translated(err);
      }
      const sub = user.UserAttributes?.find((a) => a.Name === 'sub')?.Value;
      if (!sub) throw new Error('Cognito returned a user without a sub');
      return { userId: sub, awaitingFirstSignIn: user.UserStatus === 'FORCE_CHANGE_PASSWORD' };
    },

    async resendInvitation(email) {
      const { sdk, cognito, UserPoolId } = await ready();
      try {
        await cognito.send(new sdk.AdminCreateUserCommand({ UserPoolId, Username: email, MessageAction: 'RESEND', DesiredDeliveryMediums: ['EMAIL'] }));
      } catch (err) {
        throw translated(err);
      }
    },

    async deleteUser(email) {
      const { sdk, cognito, UserPoolId } = await ready();
      try {
        await cognito.send(new sdk.AdminDeleteUserCommand({ UserPoolId, Username: email }));
      } catch (err) {
        if (!named(err, 'UserNotFoundException')) throw translated(err);
      }
    },
  };
};
