import * as z from 'zod';
import { addTextSource, deleteDocument, getDocument, listDocuments, reingestDocument, requestUpload } from '../../core/documents.ts';
import { MAX_CRAWL_PAGES, MAX_DOCUMENT_NAME_CHARS, MAX_QA_PAIRS, MAX_SOURCE_TEXT_CHARS } from '../../core/limits.ts';
import { addWebsiteSource } from '../../core/website.ts';
import { jsonBody, pathParam } from '../../http/request.ts';
import { json, noContent } from '../../http/responses.ts';
import type { AdminRoute } from './context.ts';

const uploadBody = z.object({
  name: z.string().trim().min(1).max(MAX_DOCUMENT_NAME_CHARS),
  contentType: z.string().trim().toLowerCase().min(1).max(100),
  size: z.number().int().nonnegative(),
}).strict();

const title = z.string().trim().min(1).max(MAX_DOCUMENT_NAME_CHARS - 4);
const label = z.string().trim().min(1).max(MAX_DOCUMENT_NAME_CHARS).optional();
const sourceBody = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('text'), title, label, text: z.string().min(1).max(MAX_SOURCE_TEXT_CHARS) }).strict(),
  z.object({
    kind: z.literal('qa'),
    title,
    label,
    pairs: z.array(z.object({ question: z.string().trim().min(1).max(1_000), answer: z.string().trim().min(1).max(10_000) }).strict()).min(1).max(MAX_QA_PAIRS),
    /** Sent by the panel's "Improve this answer": the activity log says so. */
    improvedAnswer: z.literal(true).optional(),
  }).strict(),
  z.object({ kind: z.literal('website'), url: z.string().trim().min(1).max(2_048), maxPages: z.number().int().min(1).max(MAX_CRAWL_PAGES).optional() }).strict(),
]);

export const documentRoutes: Record<string, AdminRoute> = {
  'GET /v1/bots/{botId}/documents': async ({ event, deps, tenant }) =>
    json(200, { documents: await listDocuments(deps, await tenant(), pathParam(event, 'botId')) }),
  'POST /v1/bots/{botId}/documents': async ({ event, deps, tenant, source }) =>
    json(201, await requestUpload(deps, await tenant(), pathParam(event, 'botId'), jsonBody(event, uploadBody), source)),
  'POST /v1/bots/{botId}/documents/{docId}/reingest': async ({ event, deps, tenant, source }) =>
    json(202, { document: await reingestDocument(deps, await tenant(), pathParam(event, 'botId'), pathParam(event, 'docId'), source) }),
  'POST /v1/bots/{botId}/sources': async ({ event, deps, tenant, source }) => {
    const body = jsonBody(event, sourceBody);
    const botId = pathParam(event, 'botId');
    const document = body.kind === 'website'
      ? await addWebsiteSource(deps, await tenant(), botId, body, source)
      : await addTextSource(deps, await tenant(), botId, body, source);
    return json(201, { document });
  },
  'GET /v1/bots/{botId}/documents/{docId}': async ({ event, deps, tenant }) =>
    json(200, { document: await getDocument(deps, await tenant(), pathParam(event, 'botId'), pathParam(event, 'docId')) }),
  'DELETE /v1/bots/{botId}/documents/{docId}': async ({ event, deps, tenant, source }) => {
    await deleteDocument(deps, await tenant(), pathParam(event, 'botId'), pathParam(event, 'docId'), source);
    return noContent();
  },
};
