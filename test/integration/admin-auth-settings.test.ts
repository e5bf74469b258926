// The admin sign-in's user pool and app client: from the SSM parameter on AWS (the real
// SSMClient against a fake Parameter Store on loopback speaking its JSON 1.1 protocol),
// from the environment locally.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readConfig } from '../../lambdas/adapters/config.ts';
import { adminAuthParameterName, createAdminAuthSettings, parseAdminAuthSettings } from '../../lambdas/adapters/auth/admin-auth-settings.ts';
import { adminAuthSettingsFrom } from '../../lambdas/adapters/wiring.ts';
import { createLogger } from '../../lambdas/shared/logger.ts';
import { AppError } from '../../lambdas/core/errors.ts';
import { startFakeSsm, type FakeSsm } from './fixtures/fake-ssm.ts';

const PARAMETER = '/parley/test/admin-auth';
const SETTINGS = { userPoolId: 'eu-west-1_AbC123xyz', clientId: '4h3k2j1l0a9b8c7d6e5f4g3h2i' };
const BASE_ENV = { PARLEY_TABLE: 'parley', PARLEY_KEYS_TABLE: 'parley-keys', PARLEY_BUCKET: 'parley-docs', AWS_REGION: 'eu-west-1' };
const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret-example' };

describe('admin auth settings', () => {
  let ssm: FakeSsm;
  let clock = 0;
  const lines: string[] = [];
  const logger = createLogger('debug', (line) => lines.push(line));
  const fromSsm = (ttlMs = 1000) => createAdminAuthSettings({
    parameterName: PARAMETER,
    clientConfig: { region: 'eu-west-1', endpoint: ssm.endpoint, credentials: CREDENTIALS, maxAttempts: 1 },
    logger,
    ttlMs,
    now: () => clock,
  });

  beforeAll(async () => {
    ssm = await startFakeSsm();
  });
  afterAll(async () => {
    await ssm.close();
  });
  beforeEach(() => {
    ssm.parameters.clear();
    ssm.requests.length = 0;
    ssm.failWith = null;
    ssm.delayMs = 0;
    lines.length = 0;
    clock = 0;
  });

  it('names one parameter per stage and refuses anything that is not a stage', () => {
    expect(adminAuthParameterName('prod')).toBe('/parley/prod/admin-auth');
    expect(() => adminAuthParameterName('../prod')).toThrow(/not a stage name/);
    expect(() => adminAuthParameterName('')).toThrow(/not a stage name/);
  });

  it('reads the pool and client from the parameter with a signed GetParameter call', async () => {
    ssm.parameters.set(PARAMETER, JSON.stringify(SETTINGS));
    await expect(fromSsm().get()).resolves.toEqual(SETTINGS);
    expect(ssm.requests).toEqual([{ target: 'AmazonSSM.GetParameter', contentType: 'application/x-amz-json-1.1', name: PARAMETER, signed: true }]);
  });

  it('reads once per time-to-live, once for concurrent first uses, and again after it', async () => {
    ssm.parameters.set(PARAMETER, JSON.stringify(SETTINGS));
    ssm.delayMs = 30;
    const source = fromSsm(1000);
    await Promise.all([source.get(), source.get(), source.get()]);
    expect(ssm.requests).toHaveLength(1);
    clock = 999;
    await source.get();
    expect(ssm.requests).toHaveLength(1);
    const moved = { ...SETTINGS, clientId: 'newclient123' };
    ssm.parameters.set(PARAMETER, JSON.stringify(moved));
    clock = 1000;
    await expect(source.get()).resolves.toEqual(moved);
    expect(ssm.requests).toHaveLength(2);
  });

  it('keeps the last good settings when a refresh fails, and logs the failure by error name', async () => {
    ssm.parameters.set(PARAMETER, JSON.stringify(SETTINGS));
    const source = fromSsm(1000);
    await source.get();
    clock = 5000;
    ssm.failWith = { status: 400, type: 'ThrottlingException' };
    await expect(source.get()).resolves.toEqual(SETTINGS);
    expect(lines.join('\n')).toContain('ThrottlingException');
  });

  it('answers 503 (unavailable) when the parameter cannot be read at all, without internal detail', async () => {
    const missing = fromSsm().get();
    await expect(missing).rejects.toBeInstanceOf(AppError);
    await expect(missing).rejects.toMatchObject({ code: 'unavailable', message: 'Sign-in cannot be checked just now. Please try again in a moment.' });
    expect(lines.join('\n')).toContain('ParameterNotFound');
    // The next request tries again rather than remembering the failure.
    ssm.parameters.set(PARAMETER, JSON.stringify(SETTINGS));
    await expect(fromSsm().get()).resolves.toEqual(SETTINGS);
  });

  it('refuses a parameter that is not the settings, naming the parameter and the field in the log', async () => {
    for (const value of ['not json', JSON.stringify({ userPoolId: 'no-underscore', clientId: 'abc' }), JSON.stringify({ ...SETTINGS, extra: 1 }), JSON.stringify({ userPoolId: SETTINGS.userPoolId })]) {
      ssm.parameters.set(PARAMETER, value);
      lines.length = 0;
      await expect(fromSsm().get()).rejects.toMatchObject({ code: 'unavailable' });
      expect(lines.join('\n')).toContain(PARAMETER);
    }
    expect(() => parseAdminAuthSettings(JSON.stringify({ userPoolId: 'no-underscore', clientId: 'abc' }), PARAMETER)).toThrow(/userPoolId: expected a user pool id/);
    expect(() => parseAdminAuthSettings(JSON.stringify({ userPoolId: SETTINGS.userPoolId }), PARAMETER)).toThrow(/clientId/);
  });

  describe('from configuration', () => {
    it('uses the parameter when the environment names one (AWS)', async () => {
      ssm.parameters.set(PARAMETER, JSON.stringify(SETTINGS));
      const source = adminAuthSettingsFrom(readConfig({ ...BASE_ENV, PARLEY_ADMIN_AUTH_PARAMETER: PARAMETER, PARLEY_SSM_ENDPOINT: ssm.endpoint }));
      // The SDK reads credentials from process.env, not from the config; give it some.
      const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
      Object.assign(process.env, { AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey });
      try {
        await expect(source?.get()).resolves.toEqual(SETTINGS);
      } finally {
        for (const [name, value] of [['AWS_ACCESS_KEY_ID', saved.id], ['AWS_SECRET_ACCESS_KEY', saved.secret]] as const) {
          if (value === undefined) delete process.env[name];
          else process.env[name] = value;
        }
      }
      expect(ssm.requests.map((r) => r.name)).toEqual([PARAMETER]);
    });

    it('uses the environment locally, without any SSM call', async () => {
      const source = adminAuthSettingsFrom(readConfig({ ...BASE_ENV, PARLEY_USER_POOL_ID: SETTINGS.userPoolId, PARLEY_ADMIN_CLIENT_ID: SETTINGS.clientId }));
      await expect(source?.get()).resolves.toEqual(SETTINGS);
      expect(ssm.requests).toHaveLength(0);
    });

    it('has none when nothing is configured', () => {
      expect(adminAuthSettingsFrom(readConfig(BASE_ENV))).toBeUndefined();
    });

    it('refuses a half-configured or malformed environment at start with a clear message', () => {
      expect(() => readConfig({ ...BASE_ENV, PARLEY_USER_POOL_ID: SETTINGS.userPoolId })).toThrow(/PARLEY_USER_POOL_ID, PARLEY_ADMIN_CLIENT_ID: set both/);
      expect(() => readConfig({ ...BASE_ENV, PARLEY_USER_POOL_ID: 'pool', PARLEY_ADMIN_CLIENT_ID: 'abc' })).toThrow(/PARLEY_USER_POOL_ID: expected a user pool id/);
      expect(() => readConfig({ ...BASE_ENV, PARLEY_ADMIN_AUTH_PARAMETER: '/other/path' })).toThrow(/PARLEY_ADMIN_AUTH_PARAMETER: expected \/parley\/<stage>\/admin-auth/);
    });
  });
});
