/**
 * The panel's runtime configuration, `GET /admin/config.json`, read once at
 * start: how owners sign in (the local e-mail sign-in, or Cognito's hosted
 * sign-in) and how files are uploaded (through the local same-origin relay, or
 * straight to the document store). Nothing here is secret: a public client id.
 */

export type AuthConfig =
  | { readonly kind: 'local' }
  | { readonly kind: 'cognito'; readonly domain: string; readonly clientId: string; readonly scopes: readonly string[] };

export interface RuntimeConfig {
  readonly auth: AuthConfig;
  readonly uploads: 'relay' | 'direct';
}

/** Why the configuration could not be used, in words for whoever set Parley up. */
export class ConfigError extends Error {}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** A Cognito domain: https (http only on loopback, for tests), an origin without path, query or credentials. */
const checkDomain = (value: unknown): string => {
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    throw new ConfigError('The sign-in address (auth.domain) is not a web address.');
  }
  const okScheme = url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
  if (!okScheme || url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) {
    throw new ConfigError('The sign-in address (auth.domain) must be an https address without a path, such as https://parley.auth.eu-west-1.amazoncognito.com.');
  }
  return url.origin;
};

/** Checks the shape of config.json; throws a ConfigError that says what is wrong. */
export const parseConfig = (raw: unknown): RuntimeConfig => {
  if (!raw || typeof raw !== 'object') throw new ConfigError('The configuration is not a JSON object.');
  const { auth, uploads } = raw as { auth?: Record<string, unknown>; uploads?: unknown };
  if (uploads !== 'relay' && uploads !== 'direct') throw new ConfigError('“uploads” must be "relay" or "direct".');
  if (!auth || typeof auth !== 'object') throw new ConfigError('“auth” is missing.');
  if (auth.kind === 'local') return { auth: { kind: 'local' }, uploads };
  if (auth.kind !== 'cognito') throw new ConfigError('“auth.kind” must be "local" or "cognito".');
  const domain = checkDomain(auth.domain);
  if (typeof auth.clientId !== 'string' || !/^[\w-]{1,128}$/.test(auth.clientId)) throw new ConfigError('“auth.clientId” must be the app client id.');
  const scopes = auth.scopes;
  if (!Array.isArray(scopes) || !scopes.length || !scopes.every((s) => typeof s === 'string' && /^[\w.:/-]{1,256}$/.test(s)) || !scopes.includes('openid')) {
    throw new ConfigError('“auth.scopes” must be a list of scopes that includes "openid".');
  }
  return { auth: { kind: 'cognito', domain, clientId: auth.clientId, scopes: scopes as string[] }, uploads };
};

let current: RuntimeConfig | undefined;

/** The configuration loaded at start. */
export const config = (): RuntimeConfig => {
  if (!current) throw new Error('configuration not loaded');
  return current;
};

/** Loads and checks `/admin/config.json`. */
export const loadConfig = async (): Promise<RuntimeConfig> => {
  let res: Response;
  try {
    res = await fetch('/admin/config.json', { cache: 'no-store', credentials: 'omit' });
  } catch {
    throw new ConfigError('The configuration could not be fetched. Check your connection and try again.');
  }
  if (!res.ok) throw new ConfigError(res.status === 404 ? 'There is no configuration file (/admin/config.json).' : `The configuration could not be fetched (${res.status}).`);
  let raw: unknown;
  try {
    raw = await res.json();
  } catch {
    throw new ConfigError('The configuration file is not valid JSON.');
  }
  current = parseConfig(raw);
  return current;
};
