/**
 * A fake Cognito user pool on loopback, for the admin function's real Cognito
 * client (endpoint override `PARLEY_COGNITO_ENDPOINT`). It speaks the service's
 * JSON 1.1 protocol (`X-Amz-Target: AWSCognitoIdentityProviderService.<Operation>`,
 * `application/x-amz-json-1.1`, errors as `{"__type","message"}`) for the
 * operations Parley calls: AdminCreateUser (with `MessageAction: RESEND`),
 * AdminGetUser and AdminDeleteUser. Like Parley's pool it signs in by e-mail.
 *
 * Instead of e-mailing an invitation it hands it to `onInvitation` (printed by
 * `npm start`). A user's `sub` is the one local sign-in gives that address, and
 * a local sign-in confirms the user (creating it if need be), as choosing a password does on AWS. Users
 * are kept in the local data folder; no password is kept at all.
 */
import { randomInt, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { listenOnLoopback } from './loopback.ts';
import { localSubFor } from './local-identity.ts';

/** The local pool's id, shaped like Cognito's `<region>_<id>`. */
export const LOCAL_USER_POOL_ID = 'eu-west-1_parleylocal';
const TARGET_PREFIX = 'AWSCognitoIdentityProviderService.';
const CONTENT_TYPE = 'application/x-amz-json-1.1';
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,253}$/;

export type LocalUserStatus = 'FORCE_CHANGE_PASSWORD' | 'CONFIRMED';

export interface LocalCognitoUser {
  readonly sub: string;
  readonly email: string;
  readonly emailVerified: boolean;
  readonly status: LocalUserStatus;
  readonly createdAt: number;
  readonly modifiedAt: number;
}

/** What Cognito would have e-mailed. */
export interface LocalInvitation {
  readonly email: string;
  readonly temporaryPassword: string;
  readonly kind: 'created' | 'resent';
}

export interface LocalCognito {
  readonly url: string;
  readonly userPoolId: string;
  /** Every operation called, in order (`AdminCreateUser`, …), for tests. */
  readonly calls: string[];
  users(): LocalCognitoUser[];
  /**
   * A local sign-in with this address. On AWS only a pool user can sign in, and
   * signing in is when an invited one chooses a password: the user is CONFIRMED,
   * and created if the address had none (local sign-in takes any address).
   */
  signedIn(email: string): Promise<void>;
  stop(): Promise<void>;
}

export interface LocalCognitoOptions {
  /** Where users are kept across restarts; undefined: in memory. */
  readonly dataDir?: string | undefined;
  readonly onInvitation?: (invitation: LocalInvitation) => void;
}

class CognitoError extends Error {
  readonly type: string;
  readonly status: number;
  constructor(type: string, message: string, status = 400) {
    super(message);
    this.type = type;
    this.status = status;
  }
}

/** A temporary password that meets the pool's policy: 12+ characters with upper, lower, digit and symbol. */
const temporaryPassword = (): string => {
  const sets = ['ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnopqrstuvwxyz', '23456789', '!#$%&*+-=?@^_'];
  const all = sets.join('');
  const chars = [...sets.map((s) => s[randomInt(s.length)]!), ...Array.from({ length: 10 }, () => all[randomInt(all.length)]!)];
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join('');
};

const userType = (u: LocalCognitoUser) => ({
  Username: u.sub,
  Attributes: [
    { Name: 'sub', Value: u.sub },
    { Name: 'email_verified', Value: String(u.emailVerified) },
    { Name: 'email', Value: u.email },
  ],
  UserCreateDate: u.createdAt,
  UserLastModifiedDate: u.modifiedAt,
  Enabled: true,
  UserStatus: u.status,
});

const stringField = (input: Record<string, unknown>, name: string, required = true): string | undefined => {
  const value = input[name];
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string' || !value) {
    throw new CognitoError('InvalidParameterException', `1 validation error detected: Value at '${name[0]!.toLowerCase()}${name.slice(1)}' failed to satisfy constraint: Member must not be null`);
  }
  return value;
};

export const startLocalCognito = async (opts: LocalCognitoOptions = {}): Promise<LocalCognito> => {
  const file = opts.dataDir ? path.join(opts.dataDir, 'cognito-users.json') : undefined;
  const users = new Map<string, LocalCognitoUser>();
  if (file) {
    try {
      for (const u of JSON.parse(await fs.readFile(file, 'utf8')) as LocalCognitoUser[]) users.set(u.email, u);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  const save = async () => {
    if (file) await fs.writeFile(file, JSON.stringify([...users.values()], null, 2), { mode: 0o600 });
  };
  const calls: string[] = [];
  const now = () => Math.floor(Date.now() / 1000);

  /** A user by the name the caller gave: the e-mail address (the pool's sign-in attribute) or the generated user name. */
  const lookup = (username: string): LocalCognitoUser | undefined =>
    users.get(username.toLowerCase()) ?? [...users.values()].find((u) => u.sub === username);
  const existing = (username: string): LocalCognitoUser => {
    const user = lookup(username);
    if (!user) throw new CognitoError('UserNotFoundException', 'User does not exist.');
    return user;
  };
  const invite = (user: LocalCognitoUser, kind: LocalInvitation['kind']) => opts.onInvitation?.({ email: user.email, temporaryPassword: temporaryPassword(), kind });

  const operations: Record<string, (input: Record<string, unknown>) => Promise<unknown>> = {
    async AdminCreateUser(input) {
      const username = stringField(input, 'Username')!;
      const action = stringField(input, 'MessageAction', false);
      if (action !== undefined && action !== 'RESEND' && action !== 'SUPPRESS') {
        throw new CognitoError('InvalidParameterException', `1 validation error detected: Value '${action}' at 'messageAction' failed to satisfy constraint: Member must satisfy enum value set: [RESEND, SUPPRESS]`);
      }
      const mediums = input.DesiredDeliveryMediums ?? ['SMS'];
      if (!Array.isArray(mediums) || mediums.some((m) => m !== 'EMAIL' && m !== 'SMS')) throw new CognitoError('InvalidParameterException', 'Invalid DesiredDeliveryMediums.');
      if (action !== 'SUPPRESS' && !mediums.includes('EMAIL')) {
        throw new CognitoError('InvalidParameterException', 'No phone number attribute is present; DesiredDeliveryMediums must be EMAIL for this pool.');
      }
      if (action === 'RESEND') {
        const user = existing(username);
        if (user.status !== 'FORCE_CHANGE_PASSWORD') throw new CognitoError('UnsupportedUserStateException', `Resend not possible. ${user.sub} status is ${user.status}.`);
        const resent = { ...user, modifiedAt: now() };
        users.set(user.email, resent);
        await save();
        invite(resent, 'resent');
        return { User: userType(resent) };
      }
      if (!EMAIL.test(username)) throw new CognitoError('InvalidParameterException', 'Username should be an email.');
      const email = username.toLowerCase();
      const attributes = Array.isArray(input.UserAttributes) ? (input.UserAttributes as Array<{ Name?: unknown; Value?: unknown }>) : [];
      const attribute = (name: string) => attributes.find((a) => a.Name === name)?.Value;
      for (const a of attributes) {
        if (a.Name !== 'email' && a.Name !== 'email_verified') throw new CognitoError('InvalidParameterException', `Attribute does not exist in the schema: ${String(a.Name)}`);
      }
      if (attribute('email') !== undefined && String(attribute('email')).toLowerCase() !== email) {
        throw new CognitoError('InvalidParameterException', 'The email attribute must match the username in a pool that signs in by email.');
      }
      const verified = attribute('email_verified');
      if (verified !== undefined && verified !== 'true' && verified !== 'false') throw new CognitoError('InvalidParameterException', 'email_verified must be true or false.');
      if (users.has(email)) throw new CognitoError('UsernameExistsException', 'An account with the given email already exists.');
      const user: LocalCognitoUser = { sub: localSubFor(email), email, emailVerified: verified === 'true', status: 'FORCE_CHANGE_PASSWORD', createdAt: now(), modifiedAt: now() };
      users.set(email, user);
      await save();
      if (action !== 'SUPPRESS') invite(user, 'created');
      return { User: userType(user) };
    },
    async AdminGetUser(input) {
      const user = existing(stringField(input, 'Username')!);
      const { Attributes, ...rest } = userType(user);
      return { ...rest, UserAttributes: Attributes };
    },
    async AdminDeleteUser(input) {
      const user = existing(stringField(input, 'Username')!);
      users.delete(user.email);
      await save();
      return {};
    },
  };

  const answer = (res: http.ServerResponse, status: number, body: unknown, errorType?: string) => {
    res.writeHead(status, { 'content-type': CONTENT_TYPE, 'x-amzn-requestid': randomUUID(), ...(errorType ? { 'x-amzn-errortype': `${errorType}:` } : {}) });
    res.end(JSON.stringify(body));
  };

  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const handle = async () => {
        const target = String(req.headers['x-amz-target'] ?? '');
        const operation = target.startsWith(TARGET_PREFIX) ? operations[target.slice(TARGET_PREFIX.length)] : undefined;
        if (req.method !== 'POST' || !operation) throw new CognitoError('UnknownOperationException', `${target || 'no X-Amz-Target'} is not supported by the local Cognito`);
        if (!String(req.headers['content-type'] ?? '').startsWith(CONTENT_TYPE)) throw new CognitoError('SerializationException', `Expected content type ${CONTENT_TYPE}`);
        // Admin operations need AWS credentials; the fake checks the signature's shape, not its value.
        if (!/^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/[a-z0-9-]+\/cognito-idp\/aws4_request/.test(String(req.headers.authorization ?? ''))) {
          throw new CognitoError('MissingAuthenticationTokenException', 'Missing Authentication Token');
        }
        let input: Record<string, unknown>;
        try {
          input = JSON.parse(Buffer.concat(parts).toString('utf8') || '{}') as Record<string, unknown>;
        } catch {
          throw new CognitoError('SerializationException', 'Malformed JSON');
        }
        if (input.UserPoolId !== LOCAL_USER_POOL_ID) throw new CognitoError('ResourceNotFoundException', `User pool ${String(input.UserPoolId)} does not exist.`);
        calls.push(target.slice(TARGET_PREFIX.length));
        answer(res, 200, await operation(input));
      };
      handle().catch((err: unknown) => {
        if (err instanceof CognitoError) return answer(res, err.status, { __type: err.type, message: err.message }, err.type);
        answer(res, 500, { __type: 'InternalErrorException', message: 'Internal error' }, 'InternalErrorException');
      });
    });
  });
  const listening = await listenOnLoopback(server);
  return {
    url: listening.url,
    userPoolId: LOCAL_USER_POOL_ID,
    calls,
    users: () => [...users.values()],
    async signedIn(rawEmail) {
      const email = rawEmail.toLowerCase();
      const user = users.get(email);
      if (user?.status === 'CONFIRMED') return;
      users.set(email, user
        ? { ...user, status: 'CONFIRMED', modifiedAt: now() }
        : { sub: localSubFor(email), email, emailVerified: true, status: 'CONFIRMED', createdAt: now(), modifiedAt: now() });
      await save();
    },
    stop: () => listening.stop(),
  };
};
