/** Every limit is a named constant, and each answers with a clear error when crossed. */

/** Largest document an owner may upload. */
export const MAX_UPLOAD_BYTES = 25 * 1024 * 1024;

/** Document types accepted for upload, by declared content type. */
export type DocumentKind = 'markdown' | 'text' | 'pdf' | 'docx' | 'html' | 'csv';
export const UPLOAD_TYPES: Readonly<Record<string, { readonly kind: DocumentKind; readonly extensions: readonly string[] }>> = {
  'application/pdf': { kind: 'pdf', extensions: ['.pdf'] },
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': { kind: 'docx', extensions: ['.docx'] },
  'text/html': { kind: 'html', extensions: ['.html', '.htm'] },
  'text/markdown': { kind: 'markdown', extensions: ['.md', '.markdown'] },
  'text/csv': { kind: 'csv', extensions: ['.csv'] },
  'text/plain': { kind: 'text', extensions: ['.txt', '.text'] },
};

/** How long a presigned upload URL stays valid. */
export const UPLOAD_URL_TTL_SECONDS = 15 * 60;

/** Longest visitor question. */
export const MAX_QUESTION_CHARS = 2_000;

/** Longest JSON request body any admin or widget route reads. */
export const MAX_JSON_BODY_BYTES = 256 * 1024;

export const MAX_BOT_NAME_CHARS = 80;
export const MAX_INSTRUCTIONS_CHARS = 4_000;
export const MAX_DOCUMENT_NAME_CHARS = 200;
export const MAX_BOTS_PER_ACCOUNT = 50;

/** Passages handed to the answerer, and the least score a passage needs to count. */
export const RETRIEVAL_TOP_K = 5;
export const MIN_PASSAGE_SCORE = 0.05;

/** Pasted text sources, and question-and-answer sources. */
export const MAX_SOURCE_TEXT_CHARS = 200_000;
export const MAX_QA_PAIRS = 500;

/** Deliveries of an ingest message before it moves to the dead-letter queue. */
export const INGEST_MAX_RECEIVE_COUNT = 3;

/** Pages a website source keeps: the default, and the most an owner may ask for. */
export const DEFAULT_CRAWL_PAGES = 50;
export const MAX_CRAWL_PAGES = 200;

/** Memory a warm function may hold for opened index segments, across all bots (LRU). */
export const INDEX_CACHE_BYTES = 256 * 1024 * 1024;
/** Segments of one embedding a bot's index may have before the smaller ones are merged. */
export const MAX_INDEX_SEGMENTS = 12;
/** Documents per bot: the index head lists each (38 bytes) in one item. */
export const MAX_DOCUMENTS_PER_BOT = 8_000;
