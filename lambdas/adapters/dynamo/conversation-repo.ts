/**
 * Conversations under the bot's conversation partition `A#<acc>#C#<bot>`:
 * - `CONV#<conversationId>`: the record; the preview is sealed, ids and times stay clear.
 * - `TURN#<conversationId>#<turnId>`: one item per turn, question, answer, citations and
 *   error sealed together (citations quote document content), the feedback comment sealed
 *   apart so feedback can be set without rewriting the turn; `dismissedAt` in clear when the
 *   owner dismissed the turn's unanswered question (it expires and is erased with the turn).
 * Turns sit under their own prefix so listing conversations reads records only and its
 * pages line up with DynamoDB's. Conversation ids are ULIDs, so the list is newest first
 * by creation: ordering by `updatedAt` would need an index or a key that moves per turn.
 * Every item carries `expiresAt` (epoch seconds, the TTL attribute) and the ISO time apart.
 */
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { invalid, notFound } from '../../core/errors.ts';
import type { Conversation, ConversationTurn, Feedback } from '../../core/records.ts';
import type { ContentCipher, ConversationRepository } from '../../core/ports.ts';
import type { TenantContext } from '../../core/tenancy.ts';
import { deleteByPrefix, isConditionFailure, live, queryAll, type Item } from './items.ts';
import { conversationItems } from './key-layout.ts';
import type { Tables } from './tables.ts';

const epochSeconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);
const nowSeconds = () => Math.floor(Date.now() / 1000);
const LIVE_AND_THERE = 'attribute_exists(pk) AND expiresAt > :now';
const DISMISS_CONCURRENCY = 8;

/** Sealed part of a turn. */
type TurnSecrets = Pick<ConversationTurn, 'question' | 'answer' | 'citations' | 'error'>;

/** A page position only this partition accepts: the last key read, base64url JSON. */
const encodeCursor = (key: Record<string, unknown>) => Buffer.from(JSON.stringify({ pk: key.pk, sk: key.sk })).toString('base64url');

const decodeCursor = (cursor: string, pk: string): Item => {
  let key: Item | null = null;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Item | null;
  } catch { /* refused below */ }
  const { pk: keyPk, sk } = key ?? {};
  // Another account's (or bot's) cursor is refused, never followed into its partition.
  if (keyPk !== pk || typeof sk !== 'string' || !conversationItems.isRecord(sk)) throw invalid('The cursor is not valid.');
  return { pk, sk };
};


/** Conversation records and their turns; see the file comment for the layout. */
export const createConversationRepository = (tables: Tables, table: string, cipher: ContentCipher): ConversationRepository => {
  const seal = async (tenant: TenantContext, value: unknown) => cipher.seal(tenant, 'conversation', Buffer.from(JSON.stringify(value)));
  const open = async <T>(tenant: TenantContext, sealed: unknown): Promise<T> =>
    JSON.parse(Buffer.from(await cipher.open(tenant, 'conversation', sealed as Uint8Array)).toString('utf8')) as T;

  const conversationOf = async (tenant: TenantContext, i: Item): Promise<Conversation> => {
    const { pk: _pk, sk: _sk, expiresAt: _e, expiresIso, preview, ...clear } = i;
    return { ...(clear as Omit<Conversation, 'expiresAt' | 'preview'>), expiresAt: String(expiresIso), preview: await open<string>(tenant, preview) };
  };

  const turnOf = async (tenant: TenantContext, i: Item): Promise<ConversationTurn> => {
    const { pk: _pk, sk: _sk, expiresAt: _e, sealed, feedback, feedbackComment, ...clear } = i;
    const secrets = await open<TurnSecrets>(tenant, sealed);
    const comment = feedbackComment ? { comment: await open<string>(tenant, feedbackComment) } : {};
    return { ...(clear as Omit<ConversationTurn, keyof TurnSecrets>), ...secrets, ...(feedback ? { feedback: { ...(feedback as Feedback), ...comment } } : {}) };
  };

  return {
    async create(tenant, c) {
      const { preview, expiresAt, ...clear } = c;
      await tables.tenant(tenant).send(new PutCommand({
        TableName: table,
        Item: { pk: conversationItems.pk(tenant, c.botId), sk: conversationItems.record(c.conversationId), ...clear, expiresIso: expiresAt, expiresAt: epochSeconds(expiresAt), preview: await seal(tenant, preview) },
        ConditionExpression: 'attribute_not_exists(pk)',
      }));
    },

    async get(tenant, botId, conversationId) {
      const out = await tables.tenant(tenant).send(new GetCommand({ TableName: table, Key: { pk: conversationItems.pk(tenant, botId), sk: conversationItems.record(conversationId) } }));
      const [item] = live(out.Item ? [out.Item] : []);
      return item ? conversationOf(tenant, item) : null;
    },

    /**
     * Writes the turn and bumps the record in one transaction, only while the record lives.
     * Earlier turns keep their own expiry: retention then runs from when each turn was
     * said, so nothing outlives the setting, and an append costs two writes, not one per turn.
     */
    async appendTurn(tenant, botId, conversationId, turn, expiresAt) {
      const pk = conversationItems.pk(tenant, botId);
      const { question, answer, citations, error, feedback, ...clear } = turn;
      const expiry = epochSeconds(expiresAt);
      const rated = feedback ? { feedback: { rating: feedback.rating, at: feedback.at }, ...(feedback.comment ? { feedbackComment: await seal(tenant, feedback.comment) } : {}) } : {};
      const items = [
        { Update: {
          TableName: table, Key: { pk, sk: conversationItems.record(conversationId) }, ConditionExpression: LIVE_AND_THERE,
          UpdateExpression: 'SET updatedAt = :u, expiresAt = :e, expiresIso = :iso ADD turnCount :one',
          ExpressionAttributeValues: { ':u': turn.createdAt, ':e': expiry, ':iso': expiresAt, ':one': 1, ':now': nowSeconds() },
        } },
        { Put: {
          TableName: table, ConditionExpression: 'attribute_not_exists(pk)',
          Item: { pk, sk: conversationItems.turn(conversationId, turn.turnId), ...clear, ...rated, sealed: await seal(tenant, { question, answer, citations, error }), expiresAt: expiry },
        } },
      ];
      for (let attempt = 0; ; attempt++) {
        try {
          await tables.tenant(tenant).send(new TransactWriteCommand({ TransactItems: items }));
          return;
        } catch (err) {
          const codes = ((err as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? []).map((r) => r.Code);
          if (codes[0] === 'ConditionalCheckFailed') throw notFound('Conversation');
          // Two appends to one conversation at once: the loser retries after a short, jittered wait.
          if (!codes.includes('TransactionConflict') || attempt >= 5) throw err;
          await new Promise((r) => setTimeout(r, Math.random() * 20 * 2 ** attempt));
        }
      }
    },

    async listTurns(tenant, botId, conversationId) {
      const items = await queryAll(tables.tenant(tenant), {
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
        ExpressionAttributeValues: { ':pk': conversationItems.pk(tenant, botId), ':p': conversationItems.turnsOf(conversationId) },
      });
      return Promise.all(items.map((i) => turnOf(tenant, i)));
    },

    async setFeedback(tenant, botId, conversationId, turnId, { rating, at, comment }) {
      try {
        await tables.tenant(tenant).send(new UpdateCommand({
          TableName: table,
          Key: { pk: conversationItems.pk(tenant, botId), sk: conversationItems.turn(conversationId, turnId) },
          ConditionExpression: LIVE_AND_THERE,
          // New feedback replaces the old one whole: a comment left before does not linger.
          UpdateExpression: comment ? 'SET feedback = :f, feedbackComment = :c' : 'SET feedback = :f REMOVE feedbackComment',
          ExpressionAttributeValues: { ':f': { rating, at }, ':now': nowSeconds(), ...(comment ? { ':c': await seal(tenant, comment) } : {}) },
        }));
        return true;
      } catch (err) {
        if (isConditionFailure(err)) return false;
        throw err;
      }
    },

    /** One conditional update per turn (a few at a time), so a turn that expired or was deleted meanwhile is not recreated. */
    async dismissTurns(tenant, botId, turns, at) {
      const pk = conversationItems.pk(tenant, botId);
      let marked = 0;
      for (let i = 0; i < turns.length; i += DISMISS_CONCURRENCY) {
        const done = await Promise.all(turns.slice(i, i + DISMISS_CONCURRENCY).map(async ({ conversationId, turnId }) => {
          try {
            await tables.tenant(tenant).send(new UpdateCommand({
              TableName: table, Key: { pk, sk: conversationItems.turn(conversationId, turnId) }, ConditionExpression: LIVE_AND_THERE,
              UpdateExpression: 'SET dismissedAt = :at', ExpressionAttributeValues: { ':at': at, ':now': nowSeconds() },
            }));
            return 1;
          } catch (err) {
            if (isConditionFailure(err)) return 0;
            throw err;
          }
        }));
        marked += done.reduce((a: number, b) => a + b, 0);
      }
      return marked;
    },

    /** Pages hold at most `limit` items; a full last page may be followed by an empty one. */
    async list(tenant, botId, { limit, cursor }) {
      const pk = conversationItems.pk(tenant, botId);
      const wanted = Math.max(1, Math.floor(limit));
      const found: Item[] = [];
      let start: Record<string, unknown> | undefined = cursor ? decodeCursor(cursor, pk) : undefined;
      do {
        // Asking only for what is missing means a full page ends exactly at its last key.
        const page = await tables.tenant(tenant).send(new QueryCommand({
          TableName: table, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)', ExpressionAttributeValues: { ':pk': pk, ':p': conversationItems.records },
          ScanIndexForward: false, Limit: wanted - found.length, ExclusiveStartKey: start,
        }));
        found.push(...live((page.Items ?? []) as Item[]));
        start = page.LastEvaluatedKey;
      } while (start && found.length < wanted);
      const items = await Promise.all(found.map((i) => conversationOf(tenant, i)));
      return start ? { items, cursor: encodeCursor(start) } : { items };
    },

    /** Removes the record first, so a concurrent append fails instead of leaving a turn behind. */
    async delete(tenant, botId, conversationId) {
      const pk = conversationItems.pk(tenant, botId);
      const old = await tables.tenant(tenant).send(new DeleteCommand({ TableName: table, Key: { pk, sk: conversationItems.record(conversationId) }, ReturnValues: 'ALL_OLD' }));
      const turns = await deleteByPrefix(tables.tenant(tenant), table, pk, conversationItems.turnsOf(conversationId));
      return live([...(old.Attributes ? [old.Attributes] : []), ...turns]).length > 0;
    },

    /** Erases the whole partition: conversations, turns, and the bot's handoffs and leads with them. */
    async deleteForBot(tenant, botId) {
      await deleteByPrefix(tables.tenant(tenant), table, conversationItems.pk(tenant, botId), '');
    },
  };
};
