/**
 * Which Cognito user pool and app client sign people in to the admin panel.
 *
 * On AWS the admin function reads them from the SSM parameter
 * `/parley/<stage>/admin-auth` (`{"userPoolId":"…","clientId":"…"}`) rather
 * than from its environment: the app client names the CloudFront domain (its
 * callback URL), CloudFront names the function URL, and an environment
 * variable naming the client would close that loop into a CloudFormation
 * cycle. Locally (and in tests) they come from the environment
 * (`PARLEY_USER_POOL_ID`, `PARLEY_ADMIN_CLIENT_ID`), so both places share one code path
 * from here on.
 *
 * The parameter is read on first use and kept for five minutes; concurrent first
 * uses share one read, and a failed refresh serves the last good value.
 */
import type { SSMClient, SSMClientConfig } from '@aws-sdk/client-ssm';
import * as z from 'zod/mini';
import '../../shared/zod-messages.ts';
import { AppError } from '../../core/errors.ts';
import type { Logger } from '../../shared/logger.ts';
import { recordAwsCalls } from '../aws/call-log.ts';

/** The user pool and the admin panel's app client. */
export interface AdminAuthSettings {
  /** `<region>_<id>`, as Cognito names pools (`eu-west-1_AbC123`). */
  readonly userPoolId: string;
  /** The admin panel's app client: the `aud` of the ID tokens it signs in with. */
  readonly clientId: string;
}

export interface AdminAuthSettingsSource {
  get(): Promise<AdminAuthSettings>;
}

/** How long settings read from SSM are kept in memory. */
export const ADMIN_AUTH_SETTINGS_TTL_MS = 5 * 60_000;

/** Deploy stages are short lower-case names (see `infra/parameters.ts`). */
const STAGE = /^[a-z][a-z0-9-]{0,19}$/;

/** The SSM parameter that holds a stage's admin auth settings. */
export const adminAuthParameterName = (stage: string): string => {
  if (!STAGE.test(stage)) throw new Error(`adminAuthParameterName: "${stage}" is not a stage name`);
  return `/parley/${stage}/admin-auth`;
};

/** Cognito's own patterns for a user pool id and an app client id. */
export const userPoolIdSchema = z.string().check(z.maxLength(55), z.regex(/^[\w-]+_[0-9a-zA-Z]+$/, 'expected a user pool id such as eu-west-1_AbC123'));
export const clientIdSchema = z.string().check(z.minLength(1), z.maxLength(128), z.regex(/^[\w+]+$/, 'expected an app client id'));

const settingsSchema = z.strictObject({ userPoolId: userPoolIdSchema, clientId: clientIdSchema });

/** The parameter's JSON value as settings; a clear error naming the parameter when it is anything else. */
export const parseAdminAuthSettings = (value: string | undefined, parameterName: string): AdminAuthSettings => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value ?? '');
  } catch {
    throw new Error(`${parameterName} is not JSON: expected {"userPoolId":"…","clientId":"…"}`);
  }
  const checked = z.safeParse(settingsSchema, parsed);
  if (!checked.success) {
    const problems = checked.error.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.message}`).join('; ');
    throw new Error(`${parameterName} is not {"userPoolId":"…","clientId":"…"} (${problems})`);
  }
  return checked.data;
};

export type AdminAuthSettingsOptions =
  | {
    /** Local platform and tests: the settings themselves. */
    readonly userPoolId: string;
    readonly clientId: string;
  }
  | {
    /** AWS: the SSM parameter to read (`/parley/<stage>/admin-auth`). */
    readonly parameterName: string;
    /** The client, or what to build one with (region, endpoint override). */
    readonly client?: Pick<SSMClient, 'send'>;
    readonly clientConfig?: SSMClientConfig;
    readonly logger?: Pick<Logger, 'error'>;
    readonly ttlMs?: number;
    /** Milliseconds now; tests move it. */
    readonly now?: () => number;
  };

const unavailable = () => new AppError('unavailable', 'Sign-in cannot be checked just now. Please try again in a moment.');

export const createAdminAuthSettings = (options: AdminAuthSettingsOptions): AdminAuthSettingsSource => {
  if (!('parameterName' in options)) {
    const settings = parseAdminAuthSettings(JSON.stringify({ userPoolId: options.userPoolId, clientId: options.clientId }), 'PARLEY_USER_POOL_ID and PARLEY_ADMIN_CLIENT_ID');
    return { get: () => Promise.resolve(settings) };
  }
  const { parameterName } = options;
  const ttl = options.ttlMs ?? ADMIN_AUTH_SETTINGS_TTL_MS;
  const now = options.now ?? Date.now;
  let client = options.client;
  let cached: { settings: AdminAuthSettings; expires: number } | undefined;
  let inFlight: Promise<AdminAuthSettings> | undefined;

  const read = async (): Promise<AdminAuthSettings> => {
    try {
      // Loaded on first use: only the admin function reads the parameter, and the other bundles leave the client out.
      const { GetParameterCommand, SSMClient } = await import('@aws-sdk/client-ssm');
      client ??= recordAwsCalls(new SSMClient(options.clientConfig ?? {}));
      const { Parameter } = await client.send(new GetParameterCommand({ Name: parameterName }));
      const settings = parseAdminAuthSettings(Parameter?.Value, parameterName);
      cached = { settings, expires: now() + ttl };
      return settings;
    } catch (err) {
      options.logger?.error('admin auth settings could not be read', {
        parameter: parameterName,
        errorName: err instanceof Error ? err.name : 'unknown',
        ...(err instanceof Error && err.message.startsWith(parameterName) ? { problem: err.message } : {}),
      });
      // A pool does not change while its functions run; the last good value beats refusing every admin.
      if (cached) return cached.settings;
      throw unavailable();
    }
  };

  return {
    get() {
      if (cached && cached.expires > now()) return Promise.resolve(cached.settings);
      inFlight ??= read().finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
  };
};
