/**
 * Exporting an account (right of access and portability). Asking queues the work;
 * the ingest function gathers everything in the background — settings, members,
 * bots, documents' metadata and original files, conversations with feedback,
 * handoff requests and leads, notification choices and webhooks (URLs masked, no
 * secret), a year of usage, the audit log — into one JSON
 * archive plus a CSV of conversations, under the account's `exports/` prefix.
 * Downloads are short-lived links; the files and record go after a week.
 * Provider keys and webhook URLs and secrets are never exported.
 */
import { requireRole } from './roles.ts';
import { audit, type AuditSource } from './audit.ts';
import { sealedDocumentPath } from './document-paths.ts';
import { AppError, notFound } from './errors.ts';
import { isId, newId } from './ids.ts';
import { MAX_UPLOAD_BYTES } from './limits.ts';
import { botPrefsOf, memberPrefsOf } from './notification-prefs.ts';
import type { Conversation, ConversationTurn, ExportRecord } from './records.ts';
import type { Deps } from './ports.ts';
import { tenantForSystem, type TenantContext } from './tenancy.ts';

export const EXPORT_DAYS = 7;
export const EXPORT_LINK_SECONDS = 15 * 60;
export const EXPORT_FORMAT = 'parley-export/1';

const path = (exportId: string, name: string) => `exports/${exportId}/${name}`;

export const startExport = async (deps: Pick<Deps, 'audit' | 'clock' | 'exports' | 'ingestTrigger'>, tenant: TenantContext, source: AuditSource): Promise<ExportRecord> => {
  requireRole(tenant, 'admin');
  const busy = (await deps.exports.list(tenant, 5)).some((e) => e.status === 'queued' || e.status === 'running');
  if (busy) throw new AppError('conflict', 'An export is already being prepared. It will be ready in a few minutes.');
  const now = deps.clock.now();
  const record: ExportRecord = {
    exportId: newId(now.getTime()),
    status: 'queued',
    requestedBy: tenant.actor.kind === 'user' ? tenant.actor.userId : 'system',
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + EXPORT_DAYS * 86_400_000).toISOString(),
    progress: { bots: 0, documents: 0, conversations: 0 },
  };
  await deps.exports.put(tenant, record);
  await deps.ingestTrigger.requestExport(tenant, record.exportId);
  await audit(deps, tenant, source, 'account.export', 'ok', { target: record.exportId });
  return record;
};

/** The account's exports still kept, newest first. */
export const listExports = async (deps: Pick<Deps, 'exports'>, tenant: TenantContext): Promise<ExportRecord[]> => {
  requireRole(tenant, 'admin');
  return deps.exports.list(tenant, 20);
};

/** An export and, once ready, a short-lived download link for each of its files. */
export const getExport = async (deps: Pick<Deps, 'exports' | 'objects'>, tenant: TenantContext, exportId: string) => {
  requireRole(tenant, 'admin');
  const record = isId(exportId) ? await deps.exports.get(tenant, exportId) : null;
  if (!record) throw notFound('export');
  const links = record.status === 'ready'
    ? await Promise.all((record.files ?? []).map(async (f) => ({ name: f.name, bytes: f.bytes, url: await deps.objects.presignGet(tenant, f.path, EXPORT_LINK_SECONDS, f.name) })))
    : [];
  return { export: record, downloads: links };
};

const csvCell = (value: string | boolean | undefined) => {
  const text = value === undefined ? '' : String(value);
  // Quoted always; a leading = + - @ is defused so a spreadsheet never runs it as a formula.
  return `"${(/^[=+\-@]/.test(text) ? `'${text}` : text).replace(/"/g, '""')}"`;
};

const conversationsCsv = (rows: ReadonlyArray<{ botId: string; conversation: Conversation; turns: readonly ConversationTurn[] }>) => [
  ['bot', 'conversation', 'visitor', 'turn', 'time', 'question', 'answer', 'answered', 'key_class', 'feedback', 'feedback_comment', 'dismissed_at'].join(','),
  ...rows.flatMap(({ botId, conversation, turns }) => turns.map((t) => [
    botId, conversation.conversationId, conversation.visitorId, t.turnId, t.createdAt, t.question, t.answer, t.answered, t.keyClass, t.feedback?.rating, t.feedback?.comment, t.dismissedAt,
  ].map(csvCell).join(','))),
].join('\r\n');

/** The ports an export uses (runExport, and buildExport that it runs): it reads what the account holds and writes the archive. */
export type ExportDeps = Pick<Deps, 'accounts' | 'audit' | 'bots' | 'cipher' | 'clock' | 'contacts' | 'conversations' | 'documents' | 'exports' | 'meter' | 'notifications' | 'objects' | 'webhooks'>;

/** Builds an export (the ingest function runs it from the queue); a failure is recorded and thrown, so the queue retries. */
export const runExport = async (deps: ExportDeps, accountId: string, exportId: string): Promise<void> => {
  try {
    await buildExport(deps, accountId, exportId);
  } catch (err) {
    const tenant = tenantForSystem(accountId);
    const record = await deps.exports.get(tenant, exportId);
    if (record) await deps.exports.put(tenant, { ...record, status: 'failed', error: 'The export could not be completed; it is being tried again.', updatedAt: deps.clock.now().toISOString() });
    throw err;
  }
};

const buildExport = async (deps: ExportDeps, accountId: string, exportId: string): Promise<void> => {
  const tenant = tenantForSystem(accountId);
  let record = await deps.exports.get(tenant, exportId);
  const account = await deps.accounts.get(tenant);
  if (!record || !account || record.status === 'ready') return;
  const save = async (patch: Partial<ExportRecord>) => {
    record = { ...record!, ...patch, updatedAt: deps.clock.now().toISOString() };
    await deps.exports.put(tenant, record);
  };
  await save({ status: 'running' });
  const files: Array<{ path: string; name: string; bytes: number }> = [];
  const progress = { bots: 0, documents: 0, conversations: 0 };
  const conversationRows: Array<{ botId: string; conversation: Conversation; turns: ConversationTurn[] }> = [];
  const bots = [];
  for (const bot of await deps.bots.list(tenant)) {
    const documents = [];
    for (const doc of await deps.documents.list(tenant, bot.botId)) {
      let file: string | undefined;
      const sealed = await deps.objects.get(tenant, sealedDocumentPath(doc), MAX_UPLOAD_BYTES + 64);
      if (sealed) {
        const bytes = await deps.cipher.open(tenant, 'document', sealed);
        const name = `files/${doc.docId}/${doc.objectName}`;
        await deps.objects.put(tenant, path(exportId, name), bytes, doc.contentType, { retention: 'export' });
        files.push({ path: path(exportId, name), name: `${doc.docId}-${doc.objectName}`, bytes: bytes.byteLength });
        file = name;
      }
      const { sha256: _sha, indexedRun: _run, ...metadata } = doc;
      documents.push({ ...metadata, ...(file ? { file } : {}) });
      progress.documents++;
    }
    const conversations = [];
    let cursor: string | undefined;
    do {
      const page = await deps.conversations.list(tenant, bot.botId, { limit: 100, ...(cursor ? { cursor } : {}) });
      for (const conversation of page.items) {
        const turns = await deps.conversations.listTurns(tenant, bot.botId, conversation.conversationId);
        conversations.push({ ...conversation, turns });
        conversationRows.push({ botId: bot.botId, conversation, turns });
        progress.conversations++;
      }
      cursor = page.cursor;
    } while (cursor);
    const [handoffs, leads] = await Promise.all([deps.contacts.list(tenant, bot.botId, 'handoff', 10_000), deps.contacts.list(tenant, bot.botId, 'lead', 10_000)]);
    // Webhooks as the panel shows them: the URL masked, never the URL or signing secret (sealed, like provider keys).
    const notifications = { preferences: botPrefsOf(await deps.notifications.getBotPrefs(tenant, bot.botId)), webhooks: await deps.webhooks.list(tenant, bot.botId) };
    bots.push({ settings: bot, documents, conversations, handoffs, leads, notifications });
    progress.bots++;
    await save({ progress: { ...progress } });
  }
  const now = deps.clock.now();
  const months = Array.from({ length: 12 }, (_, i) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i, 1)).toISOString().slice(0, 7));
  const usage = (await Promise.all(months.map((m) => deps.meter.usage(tenant, m)))).flat();
  const [members, memberPrefs] = await Promise.all([deps.accounts.listMembers(tenant), deps.notifications.listMemberPrefs(tenant)]);
  const archive = {
    format: EXPORT_FORMAT,
    exportedAt: now.toISOString(),
    account,
    members,
    // Each member's e-mail choices as they apply (their own, or their role's defaults).
    notifications: { members: members.map((m) => ({ userId: m.userId, preferences: memberPrefsOf(memberPrefs.get(m.userId), m.role) })) },
    bots,
    usage,
    audit: await deps.audit.list(tenant, { limit: 100_000 }),
  };
  const json = new TextEncoder().encode(JSON.stringify(archive, null, 2));
  const csv = new TextEncoder().encode(conversationsCsv(conversationRows));
  await deps.objects.put(tenant, path(exportId, 'archive.json'), json, 'application/json', { retention: 'export' });
  await deps.objects.put(tenant, path(exportId, 'conversations.csv'), csv, 'text/csv', { retention: 'export' });
  files.unshift(
    { path: path(exportId, 'archive.json'), name: 'parley-export.json', bytes: json.byteLength },
    { path: path(exportId, 'conversations.csv'), name: 'parley-conversations.csv', bytes: csv.byteLength },
  );
  await save({ status: 'ready', progress, files });
};
