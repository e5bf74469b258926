// The JSON Schemas published for integrators: current with lambdas/contracts/webhook-events.ts, and true of
// what the delivery code actually posts. Bodies are built by the real code (eventData over fake ports, then
// webhookRequest in the generic format) and validated against the files as committed, read back as JSON Schema.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { publishedWebhookSchemas, WEBHOOK_BODY_TYPES, webhookSchemaPath, type WebhookBodyType } from '../../lambdas/contracts/webhook-events.ts';
import { eventData } from '../../lambdas/core/event-data.ts';
import type { ParleyEvent } from '../../lambdas/core/events.ts';
import { newId } from '../../lambdas/core/ids.ts';
import type { ContactRepository, ConversationRepository, DocumentRepository } from '../../lambdas/core/ports.ts';
import type { ConversationTurn, DocumentRecord, VisitorContact, Webhook } from '../../lambdas/core/records.ts';
import { tenantForSystem } from '../../lambdas/core/tenancy.ts';
import { testMessage } from '../../lambdas/core/webhook-delivery.ts';
import { webhookRequest } from '../../lambdas/core/webhook-payload.ts';
import { fakePort } from '../fakes/ports.ts';

const ROOT = new URL('../../', import.meta.url);
const published = (type: WebhookBodyType): Record<string, unknown> => JSON.parse(readFileSync(new URL(webhookSchemaPath(type), ROOT), 'utf8')) as Record<string, unknown>;
/** The committed file as a validator: a body passes only if the published schema says it may. */
const validatorOf = (type: WebhookBodyType) => z.fromJSONSchema(published(type));

const at = '2026-12-06T07:00:00.000Z';
const now = new Date('2026-12-06T07:00:03.000Z');
const tenant = tenantForSystem(newId());
const bot = { botId: newId(), name: 'Help & desk' };
const conversationId = newId();
const long = 'x'.repeat(2_500);

const contact = (kind: 'handoff' | 'lead', extra: Partial<VisitorContact>): VisitorContact =>
  ({ contactId: newId(), botId: bot.botId, kind, visitorId: newId(), createdAt: at, expiresAt: at, ...extra });
const turn = (extra: Partial<ConversationTurn>): ConversationTurn => ({
  turnId: newId(), question: 'Do you ship to Iceland?', answer: 'I could not find that.', citations: [], answered: false, keyClass: 'local',
  provider: 'local', model: 'extractive', usage: { inputTokens: 1, outputTokens: 1 }, createdAt: at, ...extra,
});
const doc = (extra: Partial<DocumentRecord>): DocumentRecord =>
  ({ docId: newId(), botId: bot.botId, name: 'prices.pdf', contentType: 'application/pdf', size: 10, status: 'failed', chunkCount: 0, createdAt: at, updatedAt: at, ...extra } as DocumentRecord);

/** The generic body the delivery code posts for `event`, what it is about read from the fakes given. */
const bodyOf = async (event: ParleyEvent, about: { contact?: VisitorContact; turn?: ConversationTurn; document?: DocumentRecord }): Promise<unknown> => {
  const deps = {
    contacts: fakePort<ContactRepository>('contacts', { get: async () => about.contact ?? null }),
    conversations: fakePort<ConversationRepository>('conversations', { listTurns: async () => (about.turn ? [about.turn] : []) }),
    documents: fakePort<DocumentRepository>('documents', { get: async () => about.document ?? null }),
  };
  const data = await eventData(deps, tenant, bot, event);
  if (!data) throw new Error(`no data for ${event.type}`);
  return JSON.parse(webhookRequest('generic', 'whsec_test', { type: event.type, id: event.eventId, createdAt: event.at, data }, now).body);
};

/** Every body the code builds, each type with its optional parts present and absent. */
const builtBodies = async (): Promise<Array<[WebhookBodyType, unknown]>> => {
  const base = { eventId: newId(), botId: bot.botId, at };
  const handoff = contact('handoff', { conversationId, name: 'Ada', email: 'ada@example.com', phone: '+44 20 7946 0958', message: '<b>call me</b>' });
  const lead = contact('lead', { email: 'ada@example.com', fields: { Company: 'Acme', 'Team size': '12' } });
  const bare = contact('lead', {});
  const declined = turn({});
  const downWithComment = turn({ question: long, feedback: { rating: 'down', comment: long, at } });
  const downBare = turn({ feedback: { rating: 'down', at } });
  const upload = doc({ source: 'upload', error: 'The file is empty.' });
  const website = doc({ source: 'website', error: 'The site answered 404.' });
  const noSource = doc({});
  const hook: Webhook = { webhookId: newId(), botId: bot.botId, kind: 'generic', urlHint: 'https://example.com/…', events: ['lead.created'], status: 'active', createdAt: at, updatedAt: at };
  const test = testMessage(hook, bot.name, now);
  return [
    ['handoff.requested', await bodyOf({ ...base, type: 'handoff.requested', contactId: handoff.contactId }, { contact: handoff })],
    ['lead.created', await bodyOf({ ...base, type: 'lead.created', contactId: lead.contactId }, { contact: lead })],
    ['lead.created', await bodyOf({ ...base, type: 'lead.created', contactId: bare.contactId }, { contact: bare })],
    ['conversation.unanswered', await bodyOf({ ...base, type: 'conversation.unanswered', conversationId, turnId: declined.turnId }, { turn: declined })],
    ['feedback.negative', await bodyOf({ ...base, type: 'feedback.negative', conversationId, turnId: downWithComment.turnId }, { turn: downWithComment })],
    ['feedback.negative', await bodyOf({ ...base, type: 'feedback.negative', conversationId, turnId: downBare.turnId }, { turn: downBare })],
    ['document.failed', await bodyOf({ ...base, type: 'document.failed', docId: upload.docId }, { document: upload })],
    ['document.failed', await bodyOf({ ...base, type: 'document.failed', docId: website.docId }, { document: website })],
    ['document.failed', await bodyOf({ ...base, type: 'document.failed', docId: noSource.docId }, { document: noSource })],
    ['webhook.test', JSON.parse(webhookRequest('generic', 'whsec_test', test, now).body)],
  ];
};

describe('the published webhook schemas', () => {
  it('are the files `npm run build:webhook-schemas` writes, one per type and nothing else', () => {
    for (const { path, text } of publishedWebhookSchemas()) expect(readFileSync(new URL(path, ROOT), 'utf8'), `${path} is stale: npm run build:webhook-schemas`).toBe(text);
    expect(readdirSync(new URL('lambdas/contracts/webhook-events/v1/', ROOT)).sort()).toEqual(WEBHOOK_BODY_TYPES.map((t) => `${t}.schema.json`).sort());
  });

  it('are draft 2020-12, closed, with an $id naming the version and the type', () => {
    for (const type of WEBHOOK_BODY_TYPES) {
      const schema = published(type);
      expect(schema).toMatchObject({ $schema: 'https://json-schema.org/draft/2020-12/schema', $id: `urn:parley:webhook:v1:${type}`, additionalProperties: false });
      expect(schema.required).toEqual(['type', 'version', 'id', 'createdAt', 'data']);
    }
  });

  it('accept every body the delivery code builds, for all five events and the test event', async () => {
    const bodies = await builtBodies();
    expect(new Set(bodies.map(([type]) => type))).toEqual(new Set(WEBHOOK_BODY_TYPES));
    for (const [type, body] of bodies) {
      const result = validatorOf(type).safeParse(body);
      expect(result.error?.issues ?? [], `${type}: ${JSON.stringify(body).slice(0, 300)}`).toEqual([]);
    }
  });

  it('refuse a body missing a required field, carrying a field they do not name, or of another type', async () => {
    const bodies = await builtBodies();
    for (const [type, body] of bodies) {
      const valid = validatorOf(type);
      const { id: _id, ...withoutId } = body as Record<string, unknown>;
      const { bot: _bot, ...dataWithoutBot } = (body as { data: Record<string, unknown> }).data;
      const wrong = {
        'no id': withoutId,
        'no data.bot': { ...(body as object), data: dataWithoutBot },
        'a secret beside the envelope': { ...(body as object), secret: 'whsec_leaked' },
        'a secret in data': { ...(body as object), data: { ...(body as { data: object }).data, signingSecret: 'whsec_leaked' } },
        'a secret in data.bot': { ...(body as object), data: { ...(body as { data: object }).data, bot: { ...bot, apiKey: 'sk-leaked' } } },
        'another version': { ...(body as object), version: 2 },
        'another type': { ...(body as object), type: type === 'lead.created' ? 'handoff.requested' : 'lead.created' },
        'a date that is not one': { ...(body as object), createdAt: 'yesterday' },
      };
      for (const [what, bad] of Object.entries(wrong)) expect(valid.safeParse(bad).success, `${type} with ${what}`).toBe(false);
    }
  });
});
