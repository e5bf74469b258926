/**
 * The panel calls the API through `Caller`, typed by the contracts: a path the
 * contracts do not declare for that method, a missing parameter or a wrong body
 * fails `npm run typecheck` (each `@ts-expect-error` below is itself an error if
 * the call were accepted). `fillPath` fills templates at run time.
 */
import { describe, expect, it } from 'vitest';
import type { adminContracts } from '../../lambdas/contracts/admin.ts';
import { fillPath, type Caller, type RoutesOf } from '../../lambdas/contracts/contract.ts';

type AdminRoute = RoutesOf<typeof adminContracts>;

// Never run: only type-checked.
export const typedCalls = async (api: Caller<AdminRoute>): Promise<void> => {
  const { bots } = await api('GET', '/v1/bots');
  bots satisfies ReadonlyArray<{ botId: string }>;
  await api('DELETE', '/v1/bots/{botId}', { params: { botId: 'b1' } });
  await api('GET', '/v1/audit', { query: { limit: 50, action: 'key' } });
  await api('POST', '/v1/bots/{botId}/sources', { params: { botId: 'b1' }, body: { kind: 'text', title: 'T', text: 'x' } });
  // @ts-expect-error a path no contract declares
  await api('GET', '/v1/bot');
  // @ts-expect-error a declared path, but not for this method
  await api('PUT', '/v1/bots');
  // @ts-expect-error the path parameter is missing
  await api('DELETE', '/v1/bots/{botId}');
  // @ts-expect-error a parameter of another name
  await api('DELETE', '/v1/bots/{botId}', { params: { id: 'b1' } });
  // @ts-expect-error a body the route's schema refuses
  await api('POST', '/v1/bots/{botId}/sources', { params: { botId: 'b1' }, body: { kind: 'pdf', title: 'T' } });
  // @ts-expect-error a body on a route that takes none
  await api('DELETE', '/v1/account', { body: { confirm: true } });
  // @ts-expect-error a query on a route that reads none
  await api('GET', '/v1/bots', { query: { limit: 5 } });
  const { bot } = await api('GET', '/v1/bots/{botId}', { params: { botId: 'b1' } });
  // @ts-expect-error the answer is typed from the route: a bot has no `documents`
  void bot.documents;
};

describe('fillPath', () => {
  it('fills each parameter URI-encoded', () => {
    expect(fillPath('/v1/bots/{botId}/documents/{docId}', { botId: 'b 1', docId: 'd/2' })).toBe('/v1/bots/b%201/documents/d%2F2');
    expect(fillPath('/v1/invitations/{email}/resend', { email: 'a+b@example.com' })).toBe('/v1/invitations/a%2Bb%40example.com/resend');
  });

  it('keeps the slashes of a greedy parameter, each segment encoded', () => {
    expect(fillPath('/files/{key+}', { key: 'a b/c?d' })).toBe('/files/a%20b/c%3Fd');
  });

  it('appends the query without the parameters left undefined', () => {
    expect(fillPath('/v1/audit', {}, { limit: 50, action: undefined })).toBe('/v1/audit?limit=50');
    expect(fillPath('/v1/bots/{botId}/conversations', { botId: 'b' }, { q: 'a&b=c', limit: 25 })).toBe('/v1/bots/b/conversations?q=a%26b%3Dc&limit=25');
    expect(fillPath('/v1/bots')).toBe('/v1/bots');
  });

  it('refuses a template whose parameter was not given', () => {
    expect(() => fillPath('/v1/bots/{botId}', {})).toThrow('/v1/bots/{botId}: no value for {botId}');
  });
});
