import { z } from 'zod';
import { deleteDocument, getDocument, listDocuments, requestUpload } from '../../core/documents.ts';
import { MAX_DOCUMENT_NAME_CHARS } from '../../core/limits.ts';
import { jsonBody, pathParam } from '../../http/request.ts';
import { json, noContent } from '../../http/responses.ts';
import type { AdminRoute } from './context.ts';

const uploadBody = z.object({
  name: z.string().trim().min(1).max(MAX_DOCUMENT_NAME_CHARS),
  contentType: z.string().trim().toLowerCase().min(1).max(100),
  size: z.number().int().nonnegative(),
}).strict();

export const documentRoutes: Record<string, AdminRoute> = {
  'GET /v1/bots/{botId}/documents': async ({ event, deps, tenant }) =>
    json(200, { documents: await listDocuments(deps, await tenant(), pathParam(event, 'botId')) }),
  'POST /v1/bots/{botId}/documents': async ({ event, deps, tenant }) =>
    json(201, await requestUpload(deps, await tenant(), pathParam(event, 'botId'), jsonBody(event, uploadBody))),
  'GET /v1/bots/{botId}/documents/{docId}': async ({ event, deps, tenant }) =>
    json(200, { document: await getDocument(deps, await tenant(), pathParam(event, 'botId'), pathParam(event, 'docId')) }),
  'DELETE /v1/bots/{botId}/documents/{docId}': async ({ event, deps, tenant }) => {
    await deleteDocument(deps, await tenant(), pathParam(event, 'botId'), pathParam(event, 'docId'));
    return noContent();
  },
};
