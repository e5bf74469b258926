/**
 * Cognito's hosted sign-in: the authorization-code flow with PKCE (S256), for a
 * public client (no secret in the browser).
 *
 * 1. `startHostedSignIn` makes a random verifier and state, keeps them in
 *    sessionStorage with the page to come back to, and goes to
 *    `/oauth2/authorize` with the verifier's SHA-256 as the code challenge.
 * 2. Cognito comes back to `/admin/?code=…&state=…`. `completeHostedSignIn`
 *    removes both from the address bar at once (replaceState), refuses a state
 *    it did not make, and exchanges the code with the verifier at `/oauth2/token`.
 * 3. The ID token is the API's bearer token; the refresh token gets a new one
 *    shortly before it expires (`freshToken`).
 * 4. Signing out clears the tab's storage and ends Cognito's session at `/logout`.
 */
import { config, type AuthConfig } from './config.ts';
import { clearTabStorage, readStoredSession, saveSession, setNotice, type Session } from './session.ts';

type CognitoAuth = Extract<AuthConfig, { kind: 'cognito' }>;

const PENDING = 'parley-admin:sign-in';
/** How long a started sign-in may take before its state is no longer accepted. */
const PENDING_MS = 10 * 60 * 1000;
/** Refresh the ID token when it has less than this left. */
const REFRESH_MARGIN_MS = 2 * 60 * 1000;

interface Pending { readonly state: string; readonly verifier: string; readonly returnTo: string; readonly at: number }

/** A sign-in that could not be completed, in words for the owner. */
export class SignInError extends Error {}

const base64url = (bytes: Uint8Array): string => {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
};

const randomString = (bytes: number): string => base64url(crypto.getRandomValues(new Uint8Array(bytes)));

/** The S256 code challenge of a verifier: base64url(SHA-256(verifier)). */
export const challengeOf = async (verifier: string): Promise<string> =>
  base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));

/** Where Cognito sends the browser back: the panel itself (an allowed callback URL of the app client). */
export const redirectUri = (): string => `${location.origin}/admin/`;

/** A hash route the panel may return to after signing in (nothing else is kept). */
const safeHash = (hash: string): string => (/^#\/[\w/-]*$/.test(hash) && hash !== '#/sign-in' ? hash : '#/');

/** Goes to Cognito's hosted sign-in; `returnTo` is the page to open afterwards. */
export const startHostedSignIn = async (auth: CognitoAuth, returnTo: string): Promise<void> => {
  // 32 random bytes: a 43-character verifier, within RFC 7636's 43 to 128.
  const verifier = randomString(32);
  const state = randomString(16);
  const pending: Pending = { state, verifier, returnTo: safeHash(returnTo), at: Date.now() };
  sessionStorage.setItem(PENDING, JSON.stringify(pending));
  const url = new URL('/oauth2/authorize', auth.domain);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: auth.clientId,
    redirect_uri: redirectUri(),
    scope: auth.scopes.join(' '),
    state,
    code_challenge: await challengeOf(verifier),
    code_challenge_method: 'S256',
  }).toString();
  location.assign(url.toString());
};

interface TokenResponse { id_token?: string; refresh_token?: string; expires_in?: number }

/** The claims of a JWT the API will check (the browser only reads the e-mail and expiry). */
const claimsOf = (jwt: string): { email?: string; exp?: number } => {
  try {
    const part = jwt.split('.')[1] ?? '';
    const bin = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)))) as { email?: string; exp?: number };
  } catch {
    return {};
  }
};

/** One call to Cognito's token endpoint: form-encoded, as a public client. */
const tokenRequest = async (auth: CognitoAuth, form: Record<string, string>): Promise<TokenResponse> => {
  const res = await fetch(new URL('/oauth2/token', auth.domain), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: auth.clientId, ...form }),
    credentials: 'omit',
    cache: 'no-store',
  });
  if (!res.ok) throw new SignInError(`status ${res.status}`);
  return (await res.json()) as TokenResponse;
};

const sessionFrom = (tokens: TokenResponse, previous?: Session): Session => {
  if (!tokens.id_token) throw new SignInError('no ID token');
  const claims = claimsOf(tokens.id_token);
  const exp = claims.exp ? claims.exp * 1000 : Date.now() + (tokens.expires_in ?? 3600) * 1000;
  const refreshToken = tokens.refresh_token ?? previous?.refreshToken;
  return { token: tokens.id_token, email: claims.email ?? previous?.email ?? '', expiresAt: new Date(exp).toISOString(), ...(refreshToken ? { refreshToken } : {}) };
};

const readPending = (): Pending | undefined => {
  try {
    const raw = sessionStorage.getItem(PENDING);
    return raw ? (JSON.parse(raw) as Pending) : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Finishes a hosted sign-in when Cognito has just sent the browser back; does
 * nothing otherwise. Resolves with the page to open; throws a SignInError with
 * words for the owner when the sign-in cannot be trusted or completed.
 */
export const completeHostedSignIn = async (auth: CognitoAuth): Promise<string | undefined> => {
  const params = new URLSearchParams(location.search);
  if (!params.has('code') && !params.has('error')) return undefined;
  const pending = readPending();
  sessionStorage.removeItem(PENDING);
  // The code and state leave the address bar (and the history) before anything else.
  const returnTo = pending?.returnTo ?? '#/';
  history.replaceState(null, '', `/admin/${returnTo}`);
  const error = params.get('error');
  if (error) throw new SignInError(error === 'access_denied' ? 'Sign-in was cancelled.' : 'Sign-in did not complete. Please try again.');
  const code = params.get('code') ?? '';
  const state = params.get('state');
  if (!pending || !state || state !== pending.state || Date.now() - pending.at > PENDING_MS) {
    throw new SignInError('This sign-in could not be confirmed as the one started here, so it was refused. Please sign in again.');
  }
  let tokens: TokenResponse;
  try {
    tokens = await tokenRequest(auth, { grant_type: 'authorization_code', code, redirect_uri: redirectUri(), code_verifier: pending.verifier });
    saveSession(sessionFrom(tokens));
  } catch {
    throw new SignInError('Sign-in could not be completed. Please try again.');
  }
  return returnTo;
};

let refreshing: Promise<Session | undefined> | undefined;

const refresh = async (auth: CognitoAuth, session: Session): Promise<Session | undefined> => {
  try {
    const next = sessionFrom(await tokenRequest(auth, { grant_type: 'refresh_token', refresh_token: session.refreshToken ?? '' }), session);
    saveSession(next);
    return next;
  } catch (err) {
    // Refused (the refresh token expired or was revoked): the session is over.
    if (err instanceof SignInError) return undefined;
    // Offline: keep the token while it lasts.
    return Date.parse(session.expiresAt) > Date.now() ? session : undefined;
  }
};

/** The bearer token for the next API call, refreshed first when it is about to expire. */
export const freshToken = async (): Promise<string | undefined> => {
  const session = readStoredSession();
  if (!session) return undefined;
  const left = Date.parse(session.expiresAt) - Date.now();
  const auth = config().auth;
  if (left > REFRESH_MARGIN_MS || auth.kind !== 'cognito' || !session.refreshToken) return left > 0 ? session.token : undefined;
  refreshing ??= refresh(auth, session).finally(() => (refreshing = undefined));
  return (await refreshing)?.token;
};

/** How long signing out waits for Cognito to revoke the refresh token before leaving anyway. */
const REVOKE_WAIT_MS = 3000;

/**
 * Ends the session: the refresh token is revoked at Cognito (so a copy of it is
 * worth nothing), the tab's storage cleared, and Cognito's own session ended at
 * its `/logout`, which comes back here.
 */
export const hostedSignOut = async (auth: CognitoAuth, notice: string): Promise<void> => {
  const refreshToken = readStoredSession()?.refreshToken;
  if (refreshToken) {
    const revoked = fetch(new URL('/oauth2/revoke', auth.domain), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: refreshToken, client_id: auth.clientId }),
      credentials: 'omit',
      keepalive: true,
    }).catch(() => undefined);
    await Promise.race([revoked, new Promise((r) => setTimeout(r, REVOKE_WAIT_MS))]);
  }
  clearTabStorage();
  setNotice(notice);
  const url = new URL('/logout', auth.domain);
  url.search = new URLSearchParams({ client_id: auth.clientId, logout_uri: redirectUri() }).toString();
  location.assign(url.toString());
};
