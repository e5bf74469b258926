/** The owner's own provider keys: list, add or rotate, test, delete. The key itself is never returned. */
import * as z from 'zod';
import { route } from './contract.ts';
import type { ProviderKeyView } from './views.ts';

const admin = { fn: 'admin-api', auth: 'jwt' } as const;

export const keysContract = {
  listKeys: route<{ keys: ProviderKeyView[] }>()({ ...admin, method: 'GET', path: '/v1/keys', status: 200 }),
  putKey: route<{ key: ProviderKeyView }>()({
    ...admin, method: 'PUT', path: '/v1/keys/{provider}', status: 200, audit: ['key.add', 'key.rotate'],
    body: z.object({
      apiKey: z.string().trim().min(8, 'this does not look like an API key').max(512).regex(/^\S+$/, 'an API key has no spaces'),
      baseUrl: z.url({ protocol: /^https?$/ }).max(500).optional(),
    }).strict(),
  }),
  deleteKey: route()({ ...admin, method: 'DELETE', path: '/v1/keys/{provider}', status: 204, audit: ['key.delete'] }),
  testKey: route<{ key: ProviderKeyView }>()({ ...admin, method: 'POST', path: '/v1/keys/{provider}/test', status: 200, audit: ['key.test'] }),
} as const;
