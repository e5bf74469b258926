import * as z from 'zod';
import { deleteKey, listKeys, putKey, testKey } from '../../core/keys.ts';
import { jsonBody, pathParam } from '../../http/request.ts';
import { json, noContent } from '../../http/responses.ts';
import type { AdminRoute } from './context.ts';

const putKeyBody = z.object({
  apiKey: z.string().trim().min(8, 'this does not look like an API key').max(512).regex(/^\S+$/, 'an API key has no spaces'),
  baseUrl: z.url({ protocol: /^https?$/ }).max(500).optional(),
}).strict();

export const keyRoutes: Record<string, AdminRoute> = {
  'GET /v1/keys': async ({ deps, tenant }) => json(200, { keys: await listKeys(deps, await tenant()) }),
  'PUT /v1/keys/{provider}': async ({ event, deps, tenant, source }) =>
    json(200, { key: await putKey(deps, await tenant(), pathParam(event, 'provider'), jsonBody(event, putKeyBody), source) }),
  'POST /v1/keys/{provider}/test': async ({ event, deps, tenant, source }) =>
    json(200, { key: await testKey(deps, await tenant(), pathParam(event, 'provider'), source) }),
  'DELETE /v1/keys/{provider}': async ({ event, deps, tenant, source }) => {
    await deleteKey(deps, await tenant(), pathParam(event, 'provider'), source);
    return noContent();
  },
};
