/**
 * What a generic webhook endpoint receives, one schema per event type: the single source of the JSON Schemas
 * (draft 2020-12) published for integrators in lambdas/contracts/webhook-events/v<version>/, which
 * `npm run build:webhook-schemas` writes from here. test/unit/webhook-event-schemas.test.ts checks that the
 * published files are what this module says, and that every body the delivery code builds validates against them.
 *
 * The schemas are closed (no property they do not name), so a field the code starts sending by mistake fails that
 * test; any change to a body's shape is a new `version`, published beside the old one.
 */
import * as z from 'zod';
import { EVENT_TYPES, WEBHOOK_PAYLOAD_VERSION, type DocumentRecord, type EventType } from '../core/records.ts';

/** A Parley id: a ULID. */
const id = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/).describe('A Parley id (a ULID: 26 characters of Crockford base32).');
const instant = z.iso.datetime().describe('A UTC time, ISO 8601.');
const bot = z.strictObject({ botId: id, name: z.string().describe('The bot\'s name, as in the admin panel.') }).describe('The bot the event is about.');

const DOCUMENT_SOURCES = ['upload', 'text', 'qa', 'website'] as const satisfies readonly NonNullable<DocumentRecord['source']>[];

/** A visitor's request for a person, or a lead: what they left (each part only when they gave it). */
const contactData = z.strictObject({
  bot,
  contactId: id.describe('The request or lead, as the admin panel lists it.'),
  conversationId: id.describe('The conversation the visitor was in, when there was one.').optional(),
  visitor: z.strictObject({
    name: z.string().optional(),
    email: z.string().optional(),
    phone: z.string().optional(),
    message: z.string().describe('The visitor\'s words for a person (handoffs).').optional(),
    fields: z.record(z.string(), z.string()).describe('The lead form\'s answers, by field name (leads).').optional(),
  }).describe('What the visitor left. Their own words: treat them as untrusted text.'),
});

const DATA: Record<EventType | 'webhook.test', z.ZodType> = {
  'handoff.requested': contactData,
  'lead.created': contactData,
  'conversation.unanswered': z.strictObject({
    bot,
    conversationId: id,
    turnId: id,
    question: z.string().describe('The question the bot declined (a longer one is cut at 2,000 characters and ends in …).'),
    askedAt: instant,
  }),
  'feedback.negative': z.strictObject({
    bot,
    conversationId: id,
    turnId: id,
    question: z.string().describe('The question whose answer got the thumbs-down (cut at 2,000 characters, as above).'),
    comment: z.string().describe('The visitor\'s comment, when they wrote one (cut at 2,000 characters).').optional(),
    ratedAt: instant,
  }),
  'document.failed': z.strictObject({
    bot,
    document: z.strictObject({
      docId: id,
      name: z.string(),
      source: z.enum(DOCUMENT_SOURCES).describe('How it was added: a file upload, pasted text, Q&A pairs or a website.').optional(),
      error: z.string().describe('Why it failed, in words for the owner.'),
    }),
  }),
  'webhook.test': z.strictObject({
    bot,
    webhookId: id,
    message: z.string(),
  }),
};

const TITLES: Record<EventType | 'webhook.test', string> = {
  'handoff.requested': 'A visitor asked for a person',
  'lead.created': 'A visitor left a lead',
  'conversation.unanswered': 'The bot declined a question it could not answer from its documents',
  'feedback.negative': 'A visitor gave an answer a thumbs-down',
  'document.failed': 'A document failed to process',
  'webhook.test': 'A test event, sent from the admin panel or POST …/webhooks/{webhookId}/test',
};

/** Every type a generic endpoint may receive: the five events, and the test event. */
export const WEBHOOK_BODY_TYPES = [...EVENT_TYPES, 'webhook.test'] as const;
export type WebhookBodyType = (typeof WEBHOOK_BODY_TYPES)[number];

/** The whole body of one type, as posted (the envelope and its `data`). */
export const webhookBodySchema = (type: WebhookBodyType) => z.strictObject({
  type: z.literal(type),
  version: z.literal(WEBHOOK_PAYLOAD_VERSION),
  id: id.describe('The event\'s id, the same in every retry: tell repeats apart by it. Also in the Parley-Event-Id header.'),
  createdAt: instant.describe('When the event happened.'),
  data: DATA[type],
});

/** The published schema's `$id`: a URN naming the version and the type, e.g. `urn:parley:webhook:v1:lead.created`. */
export const webhookSchemaId = (type: WebhookBodyType, version = WEBHOOK_PAYLOAD_VERSION): string => `urn:parley:webhook:v${version}:${type}`;

/** Where the published file lives, relative to the repository. */
export const webhookSchemaPath = (type: WebhookBodyType, version = WEBHOOK_PAYLOAD_VERSION): string =>
  `lambdas/contracts/webhook-events/v${version}/${type}.schema.json`;

/** The JSON Schema (draft 2020-12) of one type's body, as published. */
export const webhookJsonSchema = (type: WebhookBodyType): Record<string, unknown> => {
  const { $schema, ...schema } = z.toJSONSchema(webhookBodySchema(type), { target: 'draft-2020-12' });
  return { $schema, $id: webhookSchemaId(type), title: `${type}: ${TITLES[type]}`, ...schema };
};

/** Every published file, path and text (what `npm run build:webhook-schemas` writes). */
export const publishedWebhookSchemas = (): { path: string; text: string }[] =>
  WEBHOOK_BODY_TYPES.map((type) => ({ path: webhookSchemaPath(type), text: `${JSON.stringify(webhookJsonSchema(type), null, 2)}\n` }));
