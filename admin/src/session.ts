/** The signed-in session of this tab: kept in sessionStorage, so it goes with the tab. */

const KEY = 'parley-admin:session';

export interface Session {
  readonly token: string;
  readonly email: string;
  readonly expiresAt: string;
}

export const readSession = (): Session | undefined => {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return undefined;
    const session = JSON.parse(raw) as Session;
    return Date.parse(session.expiresAt) > Date.now() ? session : undefined;
  } catch {
    return undefined;
  }
};

export const saveSession = (session: Session): void => sessionStorage.setItem(KEY, JSON.stringify(session));

export const clearSession = (): void => sessionStorage.removeItem(KEY);
