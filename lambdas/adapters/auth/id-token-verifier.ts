/**
 * The admin panel's sign-in, checked inside the admin function (there is no
 * API Gateway authorizer in front of it): a Cognito ID token signed by one of
 * the user pool's keys, issued by that pool (`iss`), for the panel's app
 * client (`aud`), an ID token (`token_use`), not expired (`exp`).
 *
 * On AWS the pool's public keys come from its JWKS document, fetched through
 * the guarded fetch module and kept for ten minutes (a key not seen yet makes
 * one more fetch, at most every 30 seconds). Locally the local sign-in's issuer
 * and public keys are given inline, and everything else is the same code.
 */
import { createLocalJWKSet, createRemoteJWKSet, customFetch, errors, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import { AppError } from '../../core/errors.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../../shared/logger.ts';
import { createGuardedFetch, type GuardedFetch } from '../net/guarded-fetch.ts';
import type { AdminAuthSettings, AdminAuthSettingsSource } from './admin-auth-settings.ts';

export interface IdTokenVerifierOptions {
  /** The user pool and the panel's app client. */
  readonly settings: AdminAuthSettingsSource;
  /** Fetches the pool's JWKS (AWS). */
  readonly fetch: GuardedFetch;
  /**
   * Local platform and tests: the issuer and its public keys, instead of the
   * pool's Cognito issuer and JWKS document.
   */
  readonly local?: { readonly issuer: string; readonly jwks: JSONWebKeySet };
  readonly logger?: Pick<Logger, 'error'>;
  /** Seconds of clock difference tolerated on `exp`. @default 5 */
  readonly clockToleranceSeconds?: number;
}

export interface IdTokenVerifier {
  /** The token's claims, or 401 (`unauthorized`) for a missing or invalid token; 503 when the keys cannot be fetched. */
  verify(token: string | undefined): Promise<JWTPayload>;
}

/** `https://cognito-idp.<region>.amazonaws.com/<userPoolId>`: the pool's region is the first part of its id. */
export const cognitoIssuerOf = (userPoolId: string): string => {
  const region = userPoolId.slice(0, userPoolId.indexOf('_'));
  return `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`;
};

const unauthorized = () => new AppError('unauthorized', 'Sign in to continue: the sign-in is missing, invalid or expired.');

/** jose's verdicts on the token itself; anything else (the keys could not be fetched) is not the caller's fault. */
const TOKEN_FAULTS = new Set([
  'ERR_JWT_EXPIRED', 'ERR_JWT_CLAIM_VALIDATION_FAILED', 'ERR_JWT_INVALID', 'ERR_JWS_INVALID',
  'ERR_JWS_SIGNATURE_VERIFICATION_FAILED', 'ERR_JWKS_NO_MATCHING_KEY', 'ERR_JWKS_MULTIPLE_MATCHING_KEYS',
  'ERR_JOSE_ALG_NOT_ALLOWED', 'ERR_JOSE_NOT_SUPPORTED',
]);

export const createIdTokenVerifier = (options: IdTokenVerifierOptions): IdTokenVerifier => {
  const clockTolerance = options.clockToleranceSeconds ?? 5;
  const localKeys = options.local ? createLocalJWKSet(options.local.jwks) : undefined;
  // One key set per issuer: a pool replaced while the function is warm gets its own.
  const remoteKeys = new Map<string, ReturnType<typeof createRemoteJWKSet>>();
  const keysOf = (issuer: string) => {
    if (localKeys) return localKeys;
    let keys = remoteKeys.get(issuer);
    if (!keys) {
      keys = createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`), {
        [customFetch]: (url, init) => options.fetch(url, init),
        timeoutDuration: 3000,
      });
      remoteKeys.set(issuer, keys);
    }
    return keys;
  };

  const check = async (token: string, settings: AdminAuthSettings): Promise<JWTPayload> => {
    const issuer = options.local?.issuer ?? cognitoIssuerOf(settings.userPoolId);
    const { payload } = await jwtVerify(token, keysOf(issuer), {
      issuer,
      audience: settings.clientId,
      // Cognito signs with RS256; the local sign-in with ES256. `none` and HMAC never.
      algorithms: ['RS256', 'ES256'],
      requiredClaims: ['exp', 'sub', 'token_use'],
      clockTolerance,
    });
    return payload;
  };

  return {
    async verify(token) {
      if (!token) throw unauthorized();
      const settings = await options.settings.get();
      let payload: JWTPayload;
      try {
        payload = await check(token, settings);
      } catch (err) {
        if (err instanceof errors.JOSEError && TOKEN_FAULTS.has(err.code)) throw unauthorized();
        options.logger?.error('sign-in keys could not be read', { errorName: err instanceof Error ? err.name : 'unknown', code: (err as { code?: unknown }).code });
        throw new AppError('unavailable', 'Sign-in cannot be checked just now. Please try again in a moment.');
      }
      // An access token has no e-mail and is meant for other APIs.
      if (payload.token_use !== 'id') throw unauthorized();
      return payload;
    },
  };
};

/** The admin function's checker: Cognito's issuer and keys on AWS, the local sign-in's when the configuration gives them. */
export const idTokenVerifierFrom = (config: Config, settings: AdminAuthSettingsSource, logger?: Logger): IdTokenVerifier =>
  createIdTokenVerifier({
    settings,
    fetch: createGuardedFetch({ allowHosts: config.PARLEY_EGRESS_ALLOW_HOSTS, requireHttps: config.PARLEY_STAGE === 'aws', timeoutMs: 3000 }),
    ...(config.PARLEY_ADMIN_ISSUER && config.PARLEY_ADMIN_JWKS ? { local: { issuer: config.PARLEY_ADMIN_ISSUER, jwks: config.PARLEY_ADMIN_JWKS } } : {}),
    ...(logger ? { logger } : {}),
  });
