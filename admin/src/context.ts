import type { Account, Role } from './types.ts';

/** What every page gets from the app. */
export interface PageContext {
  readonly navigate: (hash: string) => void;
  readonly account: Account;
  readonly setAccount: (account: Account) => void;
  /** The signed-in member's role in this account. */
  readonly role: Role;
  /** Whether the member's role is at least `role` (viewer < admin < owner). */
  readonly can: (role: Role) => boolean;
  /** Ends the session and returns to sign-in, showing `notice` there. */
  readonly signOut: (notice?: string) => void;
  /** Registers what to stop when the owner leaves the page (polling, the widget preview). */
  readonly onLeave: (fn: () => void) => unknown;
}
