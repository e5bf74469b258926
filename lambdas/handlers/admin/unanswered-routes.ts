import * as z from 'zod';
import { MAX_UNANSWERED_GROUPS } from '../../core/limits.ts';
import { dismissUnanswered, listUnanswered } from '../../core/unanswered.ts';
import { pathParam, queryParams } from '../../http/request.ts';
import { json } from '../../http/responses.ts';
import type { AdminRoute } from './context.ts';

const listQuery = z.object({ limit: z.coerce.number().int().min(1).max(MAX_UNANSWERED_GROUPS).default(50) }).strict();

export const unansweredRoutes: Record<string, AdminRoute> = {
  'GET /v1/bots/{botId}/unanswered': async ({ event, deps, tenant }) =>
    json(200, await listUnanswered(deps, await tenant(), pathParam(event, 'botId'), queryParams(event, listQuery).limit)),
  'POST /v1/bots/{botId}/unanswered/{groupId}/dismiss': async ({ event, deps, tenant, source }) =>
    json(200, await dismissUnanswered(deps, await tenant(), pathParam(event, 'botId'), pathParam(event, 'groupId'), source)),
};
