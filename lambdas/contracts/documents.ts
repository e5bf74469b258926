/** A bot's documents: uploads, pasted text, Q&A pairs and websites; read, process again, delete. */
import * as z from 'zod';
import { MAX_CRAWL_PAGES, MAX_DOCUMENT_NAME_CHARS, MAX_QA_PAIRS, MAX_SOURCE_TEXT_CHARS } from '../core/limits.ts';
import type { DocumentRecord } from '../core/records.ts';
import { route } from './contract.ts';
import type { UploadTicket } from './views.ts';

const admin = { fn: 'admin-api', auth: 'jwt' } as const;

const title = z.string().trim().min(1).max(MAX_DOCUMENT_NAME_CHARS - 4);
const label = z.string().trim().min(1).max(MAX_DOCUMENT_NAME_CHARS).optional();

export const documentsContract = {
  listDocuments: route<{ documents: DocumentRecord[] }>()({ ...admin, method: 'GET', path: '/v1/bots/{botId}/documents', status: 200 }),
  requestUpload: route<UploadTicket>()({
    ...admin, method: 'POST', path: '/v1/bots/{botId}/documents', status: 201, audit: ['document.upload'],
    body: z.object({
      name: z.string().trim().min(1).max(MAX_DOCUMENT_NAME_CHARS),
      contentType: z.string().trim().toLowerCase().min(1).max(100),
      size: z.number().int().nonnegative(),
    }).strict(),
  }),
  getDocument: route<{ document: DocumentRecord }>()({ ...admin, method: 'GET', path: '/v1/bots/{botId}/documents/{docId}', status: 200 }),
  reingestDocument: route<{ document: DocumentRecord }>()({
    ...admin, method: 'POST', path: '/v1/bots/{botId}/documents/{docId}/reingest', status: 202, audit: ['document.reingest'],
  }),
  addSource: route<{ document: DocumentRecord }>()({
    ...admin, method: 'POST', path: '/v1/bots/{botId}/sources', status: 201, audit: ['document.source'],
    body: z.discriminatedUnion('kind', [
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
    ]),
  }),
  deleteDocument: route()({ ...admin, method: 'DELETE', path: '/v1/bots/{botId}/documents/{docId}', status: 204, audit: ['document.delete'] }),
} as const;
