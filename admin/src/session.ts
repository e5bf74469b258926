/**
 * The signed-in session of this tab: kept in sessionStorage, so it goes with the
 * tab (never in localStorage, never in the URL). With Cognito it also holds the
 * refresh token, used shortly before the ID token expires.
 */

const KEY = 'parley-admin:session';
const NOTICE = 'parley-admin:notice';
const ACTING_FOR = 'parley-admin:account';

export interface Session {
  /** The bearer token the API accepts (the ID token on AWS). */
  readonly token: string;
  readonly email: string;
  readonly expiresAt: string;
  /** Cognito's refresh token, when signed in through the hosted sign-in. */
  readonly refreshToken?: string;
}

/** The stored session, even if its token has expired (it may still be refreshed). */
export const readStoredSession = (): Session | undefined => {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return undefined;
    const session = JSON.parse(raw) as Session;
    return typeof session.token === 'string' && typeof session.expiresAt === 'string' ? session : undefined;
  } catch {
    return undefined;
  }
};

/** The session, if its token is still valid or it can be refreshed. */
export const readSession = (): Session | undefined => {
  const session = readStoredSession();
  return session && (Date.parse(session.expiresAt) > Date.now() || session.refreshToken) ? session : undefined;
};

export const saveSession = (session: Session): void => sessionStorage.setItem(KEY, JSON.stringify(session));

export const clearSession = (): void => sessionStorage.removeItem(KEY);

/** Signing out: everything this tab kept (the session, a sign-in under way, the preview's conversation). */
export const clearTabStorage = (): void => sessionStorage.clear();

/** A message for the sign-in page that survives a trip through the hosted sign-in or sign-out. */
export const setNotice = (text: string): void => sessionStorage.setItem(NOTICE, text);

export const takeNotice = (): string | undefined => {
  const text = sessionStorage.getItem(NOTICE) ?? undefined;
  sessionStorage.removeItem(NOTICE);
  return text;
};

/**
 * The account this tab acts for (a person may belong to several): sent with every API
 * request, which the server serves only through the person's membership of it.
 */
export const readActingFor = (): string | undefined => sessionStorage.getItem(ACTING_FOR) ?? undefined;

export const setActingFor = (accountId: string | undefined): void => {
  if (accountId) sessionStorage.setItem(ACTING_FOR, accountId);
  else sessionStorage.removeItem(ACTING_FOR);
};
