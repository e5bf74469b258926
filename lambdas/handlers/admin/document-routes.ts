/** The documents contract's routes: uploads, pasted text, Q&A pairs and websites. */
import type { documentsContract } from '../../contracts/documents.ts';
import { addTextSource, deleteDocument, getDocument, listDocuments, reingestDocument, requestUpload } from '../../core/documents.ts';
import { addWebsiteSource } from '../../core/website.ts';
import type { Implementations } from '../../http/dispatch.ts';
import type { AdminContext } from './context.ts';

export const documentRoutes = {
  listDocuments: async ({ deps, tenant }, { params }) => ({ documents: await listDocuments(deps, await tenant(), params.botId) }),
  requestUpload: async ({ deps, tenant, source }, req) => requestUpload(deps, await tenant(), req.params.botId, req.body, source),
  getDocument: async ({ deps, tenant }, { params }) => ({ document: await getDocument(deps, await tenant(), params.botId, params.docId) }),
  reingestDocument: async ({ deps, tenant, source }, { params }) =>
    ({ document: await reingestDocument(deps, await tenant(), params.botId, params.docId, source) }),
  addSource: async ({ deps, tenant, source }, req) => {
    // The body is checked before the account, as it always was here.
    const body = req.body;
    const document = body.kind === 'website'
      ? await addWebsiteSource(deps, await tenant(), req.params.botId, body, source)
      : await addTextSource(deps, await tenant(), req.params.botId, body, source);
    return { document };
  },
  deleteDocument: async ({ deps, tenant, source }, { params }) => deleteDocument(deps, await tenant(), params.botId, params.docId, source),
} satisfies Implementations<typeof documentsContract, AdminContext>;
