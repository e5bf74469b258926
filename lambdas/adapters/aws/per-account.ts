/**
 * One value per account (a client, a keyring), made on first use and kept:
 * a warm function serves few accounts, but the cache is bounded anyway, the
 * least recently made going first.
 */
const MAX_ACCOUNTS = 500;

export const perAccount = <T>(make: (accountId: string) => T): ((accountId: string) => T) => {
  const made = new Map<string, T>();
  return (accountId) => {
    let value = made.get(accountId);
    if (value === undefined) {
      value = make(accountId);
      made.set(accountId, value);
      if (made.size > MAX_ACCOUNTS) made.delete(made.keys().next().value as string);
    }
    return value;
  };
};
