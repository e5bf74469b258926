// The DynamoDB key layout (lambdas/adapters/dynamo/key-layout.ts): each kind of key
// pinned to the bytes stored today (data already written must still be read); no key
// of one kind equal to another's, and no `begins_with` query of one kind reaching a
// key of another kind (or of another bot, document, run or conversation); tenant
// partitions inside their account and platform ones outside every account; and no
// key built by hand anywhere else.
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import {
  accountItems, botItems, contentKeyKey, conversationItems, digestDayItems, erasureKey, holdItems, inviteeItems, isAccountPartition, isPlatformPartition, leadingKeyPatterns, meterItems,
  PLATFORM_KEYS_PARTITION, publicBotKey, userItems, visitorTokenKeyKey,
} from '../../lambdas/adapters/dynamo/key-layout.ts';
import { PROVIDERS } from '../../lambdas/core/providers.ts';
import { tenantForSystem } from '../../lambdas/core/tenancy.ts';

const ACC = '01JABCDEFGHJKMNPQRSTVWXYZ0';
const BOT = '01JBOTBOTBOTBOTBOTBOTBOT00';
const DOC = '01JDOCDOCDOCDOCDOCDOCDOC00';
const RUN = '01JRVNRVNRVNRVNRVNRVNRVN00';
const CONV = '01JCQNVCQNVCQNVCQNVCQNV000';
const TURN = '01JTVRNTVRNTVRNTVRNTVRN000';
const t = tenantForSystem(ACC);

describe('the key layout', () => {
  it('builds every kind of key byte for byte as stored today', () => {
    const pinned: Array<[string, string]> = [
      [accountItems.pk(t), `A#${ACC}`],
      [accountItems.settings, 'ACCOUNT'],
      [accountItems.member('sub-1'), 'MEMBER#sub-1'],
      [accountItems.members, 'MEMBER#'],
      [accountItems.invitation('ana@example.com'), 'INVITE#ana@example.com'],
      [accountItems.invitations, 'INVITE#'],
      [accountItems.bot(BOT), `BOT#${BOT}`],
      [accountItems.bots, 'BOT#'],
      [accountItems.document(BOT, DOC), `DOC#${BOT}#${DOC}`],
      [accountItems.documentsOf(BOT), `DOC#${BOT}#`],
      [accountItems.contentMark(BOT, 'ab12'), `SHA#${BOT}#ab12`],
      [accountItems.contentMarksOf(BOT), `SHA#${BOT}#`],
      [accountItems.export(RUN), `EXPORT#${RUN}`],
      [accountItems.exports, 'EXPORT#'],
      [accountItems.providerKey('openai-compatible'), 'KEY#openai-compatible'],
      [accountItems.providerKeys, 'KEY#'],
      [accountItems.audit('2026-12-05T23:00:00.000Z', RUN), `AUDIT#2026-12-05T23:00:00.000Z#${RUN}`],
      [accountItems.audits, 'AUDIT#'],
      [accountItems.memberNotifications('sub-1'), 'NOTIFY#M#sub-1'],
      [accountItems.membersNotifications, 'NOTIFY#M#'],
      [accountItems.botNotifications(BOT), `NOTIFY#B#${BOT}`],
      [accountItems.sentMail(RUN, 'sub-1'), `MAIL#${RUN}#sub-1`],
      [accountItems.sentMails, 'MAIL#'],
      [accountItems.webhook(BOT, RUN), `HOOK#${BOT}#${RUN}`],
      [accountItems.webhooksOf(BOT), `HOOK#${BOT}#`],
      [accountItems.webhookDelivery(RUN, DOC), `HOOKLOG#${RUN}#${DOC}`],
      [accountItems.digestEntry('2026-12-05', RUN), `DIGEST#2026-12-05#${RUN}`],
      [digestDayItems.pk('2026-12-05'), 'DIGESTDAY#2026-12-05'],
      [digestDayItems.account(ACC), `ACCOUNT#${ACC}`],
      [accountItems.webhookDeliveriesOf(RUN), `HOOKLOG#${RUN}#`],
      [meterItems.pk(t), `A#${ACC}#M`],
      [meterItems.rate(`V#${CONV}`, 1_764_979_200), `RATE#V#${CONV}#1764979200`],
      [meterItems.budgetDay(BOT, '2026-12-05'), `BUDGET#${BOT}#D#2026-12-05`],
      [meterItems.budgetMonth(BOT, '2026-12'), `BUDGET#${BOT}#M#2026-12`],
      [meterItems.usage('2026-12', BOT, 'platform'), `USAGE#2026-12#${BOT}#platform`],
      [meterItems.usageOf('2026-12'), 'USAGE#2026-12#'],
      [botItems.pk(t, BOT), `A#${ACC}#B#${BOT}`],
      [botItems.pointer, 'INDEX'],
      [botItems.head(42), 'GEN#000000000042'],
      [botItems.heads, 'GEN#'],
      [botItems.segmentPart(RUN, 3), `SEG#${RUN}#0003`],
      [botItems.segmentPartsOf(RUN), `SEG#${RUN}#`],
      [botItems.segments, 'SEG#'],
      [botItems.chunk({ docId: DOC, run: RUN, seq: 17 }), `CHUNK#${DOC}#${RUN}#000017`],
      [botItems.chunksOf(DOC), `CHUNK#${DOC}#`],
      [botItems.chunksOf(DOC, RUN), `CHUNK#${DOC}#${RUN}#`],
      [botItems.chunks, 'CHUNK#'],
      [conversationItems.pk(t, BOT), `A#${ACC}#C#${BOT}`],
      [conversationItems.record(CONV), `CONV#${CONV}`],
      [conversationItems.records, 'CONV#'],
      [conversationItems.turn(CONV, TURN), `TURN#${CONV}#${TURN}`],
      [conversationItems.turnsOf(CONV), `TURN#${CONV}#`],
      [conversationItems.contact('handoff', RUN), `HANDOFF#${RUN}`],
      [conversationItems.contact('lead', RUN), `LEAD#${RUN}`],
      [conversationItems.contactsOf('handoff'), 'HANDOFF#'],
      [conversationItems.contactsOf('lead'), 'LEAD#'],
      [userItems.pk('sub-1'), 'U#sub-1'],
      [userItems.owns, 'OWNS'],
      [userItems.link(ACC), `ACCOUNT#${ACC}`],
      [userItems.links, 'ACCOUNT#'],
      [inviteeItems.pk('ana@example.com'), 'INV#ana@example.com'],
      [inviteeItems.link(ACC), `ACCOUNT#${ACC}`],
      [holdItems.pk, 'HOLDS'],
      [holdItems.sk(ACC), ACC],
      [PLATFORM_KEYS_PARTITION, 'PLATFORM'],
    ];
    for (const [built, stored] of pinned) expect(built).toBe(stored);
    expect(publicBotKey('pub-1')).toEqual({ pk: 'PUB#pub-1', sk: 'BOT' });
    expect(erasureKey(ACC)).toEqual({ pk: `ERASED#${ACC}`, sk: 'ERASURE' });
    expect(contentKeyKey(t)).toEqual({ pk: `A#${ACC}`, sk: 'CONTENT_KEY' });
    expect(visitorTokenKeyKey).toEqual({ pk: 'PLATFORM', sk: 'VISITOR_TOKEN_KEY' });
    expect(leadingKeyPatterns.account('${aws:PrincipalTag/accountId}')).toEqual(['A#${aws:PrincipalTag/accountId}', 'A#${aws:PrincipalTag/accountId}#*']);
    expect(leadingKeyPatterns.anyAccount).toBe('A#*');
  });

  it('takes a cursor only for a conversation record', () => {
    expect(conversationItems.isRecord(conversationItems.record(CONV))).toBe(true);
    for (const sk of [conversationItems.turn(CONV, TURN), conversationItems.records, `${conversationItems.record(CONV)}#x`, conversationItems.contact('lead', CONV)]) {
      expect(conversationItems.isRecord(sk)).toBe(false);
    }
  });
});

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const ulid = fc.string({ unit: fc.constantFrom(...CROCKFORD), minLength: 26, maxLength: 26 });
/** Free text as it reaches a key: user subjects, e-mail addresses (which may hold `#`), rate subjects. */
const text = fc.string({ unit: fc.constantFrom('a', 'Z', '0', '#', '@', '.', '-', '_', 'A', 'B', 'C', 'M'), minLength: 1, maxLength: 12 });

/** One set of values to build every kind of key from. */
const draw = fc.record({
  acc: ulid, bot: ulid, doc: ulid, run: ulid, conv: ulid, turn: ulid, seg: ulid, contact: ulid, exportId: ulid, auditId: ulid,
  user: text, email: text, rateKey: text, sha: fc.stringMatching(/^[0-9a-f]{64}$/), provider: fc.constantFrom(...PROVIDERS),
  month: fc.stringMatching(/^20\d{2}-(0[1-9]|1[0-2])$/), day: fc.constantFrom('01', '15', '28'), at: fc.integer({ min: 0, max: 4_000_000_000_000 }).map((ms) => new Date(ms).toISOString()),
  generation: fc.integer({ min: 1, max: 1e9 }), part: fc.integer({ min: 0, max: 9999 }), seq: fc.integer({ min: 0, max: 999_999 }), window: fc.integer({ min: 0, max: 4e9 }),
  keyClass: fc.constantFrom('local', 'platform', 'owner'),
});
type Draw = typeof draw extends fc.Arbitrary<infer T> ? T : never;

/** Which partition a key lives in (by kind, not by value) and the table. */
type Place = 'account' | 'meter' | 'bot' | 'conversations' | 'user' | 'invitee' | 'publicBot' | 'erasure' | 'holds' | 'digestDay' | 'keys:account' | 'keys:platform';

interface Sample { readonly place: Place; readonly kind: string; readonly pk: string; readonly sk: string }
/** A `begins_with` query the repositories make: `scoped` ones name an id and reach only that id's keys. */
interface Query { readonly place: Place; readonly kind: string; readonly pk: string; readonly prefix: string; readonly scoped: boolean }

const samplesOf = (d: Draw): Sample[] => {
  const tenant = tenantForSystem(d.acc);
  const a = accountItems.pk(tenant);
  const m = meterItems.pk(tenant);
  const b = botItems.pk(tenant, d.bot);
  const c = conversationItems.pk(tenant, d.bot);
  return [
    { place: 'account', kind: 'settings', pk: a, sk: accountItems.settings },
    { place: 'account', kind: 'member', pk: a, sk: accountItems.member(d.user) },
    { place: 'account', kind: 'invitation', pk: a, sk: accountItems.invitation(d.email) },
    { place: 'account', kind: 'bot', pk: a, sk: accountItems.bot(d.bot) },
    { place: 'account', kind: 'document', pk: a, sk: accountItems.document(d.bot, d.doc) },
    { place: 'account', kind: 'contentMark', pk: a, sk: accountItems.contentMark(d.bot, d.sha) },
    { place: 'account', kind: 'export', pk: a, sk: accountItems.export(d.exportId) },
    { place: 'account', kind: 'providerKey', pk: a, sk: accountItems.providerKey(d.provider) },
    { place: 'account', kind: 'audit', pk: a, sk: accountItems.audit(d.at, d.auditId) },
    { place: 'account', kind: 'memberNotifications', pk: a, sk: accountItems.memberNotifications(d.user) },
    { place: 'account', kind: 'botNotifications', pk: a, sk: accountItems.botNotifications(d.bot) },
    { place: 'account', kind: 'sentMail', pk: a, sk: accountItems.sentMail(d.exportId, d.user) },
    { place: 'account', kind: 'webhook', pk: a, sk: accountItems.webhook(d.bot, d.seg) },
    { place: 'account', kind: 'webhookDelivery', pk: a, sk: accountItems.webhookDelivery(d.seg, d.run) },
    { place: 'account', kind: 'digestEntry', pk: a, sk: accountItems.digestEntry(`${d.month}-${d.day}`, d.run) },
    { place: 'meter', kind: 'rate', pk: m, sk: meterItems.rate(d.rateKey, d.window) },
    { place: 'meter', kind: 'budgetDay', pk: m, sk: meterItems.budgetDay(d.bot, `${d.month}-${d.day}`) },
    { place: 'meter', kind: 'budgetMonth', pk: m, sk: meterItems.budgetMonth(d.bot, d.month) },
    { place: 'meter', kind: 'usage', pk: m, sk: meterItems.usage(d.month, d.bot, d.keyClass) },
    { place: 'bot', kind: 'pointer', pk: b, sk: botItems.pointer },
    { place: 'bot', kind: 'head', pk: b, sk: botItems.head(d.generation) },
    { place: 'bot', kind: 'segmentPart', pk: b, sk: botItems.segmentPart(d.seg, d.part) },
    { place: 'bot', kind: 'chunk', pk: b, sk: botItems.chunk({ docId: d.doc, run: d.run, seq: d.seq }) },
    { place: 'conversations', kind: 'record', pk: c, sk: conversationItems.record(d.conv) },
    { place: 'conversations', kind: 'turn', pk: c, sk: conversationItems.turn(d.conv, d.turn) },
    { place: 'conversations', kind: 'handoff', pk: c, sk: conversationItems.contact('handoff', d.contact) },
    { place: 'conversations', kind: 'lead', pk: c, sk: conversationItems.contact('lead', d.contact) },
    { place: 'user', kind: 'owns', pk: userItems.pk(d.user), sk: userItems.owns },
    { place: 'user', kind: 'userLink', pk: userItems.pk(d.user), sk: userItems.link(d.acc) },
    { place: 'invitee', kind: 'inviteeLink', pk: inviteeItems.pk(d.email), sk: inviteeItems.link(d.acc) },
    { place: 'publicBot', kind: 'publicBot', ...publicBotKey(d.bot) },
    { place: 'erasure', kind: 'erasure', ...erasureKey(d.acc) },
    { place: 'holds', kind: 'hold', pk: holdItems.pk, sk: holdItems.sk(d.acc) },
    { place: 'digestDay', kind: 'digestDay', pk: digestDayItems.pk(`${d.month}-${d.day}`), sk: digestDayItems.account(d.acc) },
    { place: 'keys:account', kind: 'contentKey', ...contentKeyKey(tenant) },
    { place: 'keys:platform', kind: 'visitorTokenKey', ...visitorTokenKeyKey },
  ];
};

const queriesOf = (d: Draw): Query[] => {
  const tenant = tenantForSystem(d.acc);
  const a = accountItems.pk(tenant);
  const b = botItems.pk(tenant, d.bot);
  const c = conversationItems.pk(tenant, d.bot);
  return [
    { place: 'account', kind: 'member', pk: a, prefix: accountItems.members, scoped: false },
    { place: 'account', kind: 'invitation', pk: a, prefix: accountItems.invitations, scoped: false },
    { place: 'account', kind: 'bot', pk: a, prefix: accountItems.bots, scoped: false },
    { place: 'account', kind: 'document', pk: a, prefix: accountItems.documentsOf(d.bot), scoped: true },
    { place: 'account', kind: 'contentMark', pk: a, prefix: accountItems.contentMarksOf(d.bot), scoped: true },
    { place: 'account', kind: 'export', pk: a, prefix: accountItems.exports, scoped: false },
    { place: 'account', kind: 'providerKey', pk: a, prefix: accountItems.providerKeys, scoped: false },
    { place: 'account', kind: 'audit', pk: a, prefix: accountItems.audits, scoped: false },
    { place: 'account', kind: 'memberNotifications', pk: a, prefix: accountItems.membersNotifications, scoped: false },
    { place: 'account', kind: 'sentMail', pk: a, prefix: accountItems.sentMails, scoped: false },
    { place: 'account', kind: 'webhook', pk: a, prefix: accountItems.webhooksOf(d.bot), scoped: true },
    { place: 'account', kind: 'webhookDelivery', pk: a, prefix: accountItems.webhookDeliveriesOf(d.seg), scoped: true },
    { place: 'account', kind: 'digestEntry', pk: a, prefix: accountItems.digestEntriesOf(`${d.month}-${d.day}`), scoped: false },
    { place: 'digestDay', kind: 'digestDay', pk: digestDayItems.pk(`${d.month}-${d.day}`), prefix: digestDayItems.accounts, scoped: false },
    { place: 'meter', kind: 'usage', pk: meterItems.pk(tenant), prefix: meterItems.usageOf(d.month), scoped: true },
    { place: 'bot', kind: 'head', pk: b, prefix: botItems.heads, scoped: false },
    { place: 'bot', kind: 'segmentPart', pk: b, prefix: botItems.segments, scoped: false },
    { place: 'bot', kind: 'segmentPart', pk: b, prefix: botItems.segmentPartsOf(d.seg), scoped: true },
    { place: 'bot', kind: 'chunk', pk: b, prefix: botItems.chunks, scoped: false },
    { place: 'bot', kind: 'chunk', pk: b, prefix: botItems.chunksOf(d.doc), scoped: true },
    { place: 'bot', kind: 'chunk', pk: b, prefix: botItems.chunksOf(d.doc, d.run), scoped: true },
    { place: 'conversations', kind: 'record', pk: c, prefix: conversationItems.records, scoped: false },
    { place: 'conversations', kind: 'turn', pk: c, prefix: conversationItems.turnsOf(d.conv), scoped: true },
    { place: 'conversations', kind: 'handoff', pk: c, prefix: conversationItems.contactsOf('handoff'), scoped: false },
    { place: 'conversations', kind: 'lead', pk: c, prefix: conversationItems.contactsOf('lead'), scoped: false },
    { place: 'user', kind: 'userLink', pk: userItems.pk(d.user), prefix: userItems.links, scoped: false },
  ];
};

const table = (p: Place) => (p.startsWith('keys:') ? 'keys' : 'data');
const TENANT_PLACES = new Set<Place>(['account', 'meter', 'bot', 'conversations', 'keys:account']);
const ids = (d: Draw) => [d.acc, d.bot, d.doc, d.run, d.conv, d.turn, d.seg, d.contact, d.exportId, d.auditId];
/** Two draws whose ids all differ, so a scoped query of one must not reach the other's keys. */
const twoDraws = fc.tuple(draw, draw).filter(([x, y]) => {
  const all = [...ids(x), ...ids(y)];
  return new Set(all).size === all.length && x.user !== y.user && x.email !== y.email && x.sha !== y.sha && x.month !== y.month;
});

describe('keys of different kinds', () => {
  it('never name the same item', () => {
    fc.assert(fc.property(twoDraws, ([x, y]) => {
      const seen = new Map<string, string>();
      for (const [from, samples] of [['x', samplesOf(x)], ['y', samplesOf(y)]] as const) {
        for (const s of samples) {
          const id = `${table(s.place)}|${s.pk}|${s.sk}`;
          const who = `${s.kind} of ${from}`;
          // The installation's visitor-token key is one item, whatever the account.
          if (seen.has(id) && s.kind !== 'visitorTokenKey') expect(`${seen.get(id)} and ${who}`).toBe('one item each');
          seen.set(id, who);
        }
      }
    }), { numRuns: 300 });
  });

  it('are never reached by another kind’s begins_with query, nor by one scoped to other ids', () => {
    fc.assert(fc.property(twoDraws, ([x, y]) => {
      const samples = [...samplesOf(x).map((s) => ({ ...s, from: x })), ...samplesOf(y).map((s) => ({ ...s, from: y }))];
      for (const q of queriesOf(x)) {
        const reached = samples.filter((s) => table(s.place) === table(q.place) && s.pk === q.pk && s.sk.startsWith(q.prefix));
        const meant = samples.filter((s) => s.place === q.place && s.kind === q.kind && s.pk === q.pk && (!q.scoped || s.from === x));
        expect(reached.map((s) => `${s.kind} ${s.sk}`).sort()).toEqual(meant.map((s) => `${s.kind} ${s.sk}`).sort());
        expect(meant.length).toBeGreaterThan(0);
      }
    }), { numRuns: 300 });
  });

  it('keep tenant partitions inside their own account and platform partitions outside every account', () => {
    fc.assert(fc.property(twoDraws, ([x, y]) => {
      for (const s of samplesOf(x)) {
        if (TENANT_PLACES.has(s.place)) {
          expect(isAccountPartition(x.acc, s.pk)).toBe(true);
          expect(isAccountPartition(y.acc, s.pk)).toBe(false);
          expect(isPlatformPartition(s.pk)).toBe(false);
        } else {
          expect(isPlatformPartition(s.pk)).toBe(true);
          expect(isAccountPartition(x.acc, s.pk) || isAccountPartition(y.acc, s.pk)).toBe(false);
        }
      }
      // Partitions of different kinds never coincide (the keys table shares only the account's own partition).
      const places = new Map<string, Place>();
      for (const s of [...samplesOf(x), ...samplesOf(y)]) {
        const where = s.place === 'keys:account' ? 'account' : s.place;
        const id = `${table(s.place)}|${s.pk}`;
        const before = places.get(id);
        if (before !== undefined && table(s.place) === 'data') expect(before).toBe(where);
        places.set(id, where);
      }
    }), { numRuns: 300 });
  });
});

const root = path.resolve(import.meta.dirname, '../..');
const THE_LAYOUT = 'lambdas/adapters/dynamo/key-layout.ts';
/** An upper-case word and `#`, as every prefix of the layout starts (`A#`, `BOT#`, `CHUNK#`…). */
const KEY_PREFIX = /(^|[^A-Za-z0-9_$:{])[A-Z][A-Z_]*#/;
/** Keys hold no spaces: a string with one is prose (a message, a reason), even when it quotes a key. */
const looksLikeKey = (text: string) => !text.includes(' ') && KEY_PREFIX.test(text);
/** The layout's fixed keys, which have no `#` to give them away. */
const FIXED = new Set([accountItems.settings, userItems.owns, publicBotKey('x').sk, botItems.pointer, erasureKey('x').sk, holdItems.pk, PLATFORM_KEYS_PARTITION, contentKeyKey(t).sk, visitorTokenKeyKey.sk]);

const sourceFiles = (dir: string): string[] =>
  fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(rel);
    return entry.name.endsWith('.ts') ? [rel] : [];
  });

/** Strings in a file that look like hand-built keys: a key prefix, a fixed key, or text joined on after a value with `#`. */
const handBuiltKeys = (file: string): string[] => {
  const source = ts.createSourceFile(file, fs.readFileSync(path.join(root, file), 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const report = (node: ts.Node, text: string) => found.push(`${file}:${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1}: ${text}`);
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
      if (looksLikeKey(node.text) || FIXED.has(node.text)) report(node, node.text);
    } else if (ts.isTemplateExpression(node)) {
      const parts = [node.head.text, ...node.templateSpans.map((s) => s.literal.text)];
      if (parts.some(looksLikeKey) || node.templateSpans.some((s) => s.literal.text.startsWith('#'))) report(node, node.getText(source));
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
};

describe('keys, built only through the layout', () => {
  it('are built by hand nowhere else in the adapters or the stack', () => {
    const files = ['lambdas/adapters', 'infra'].flatMap(sourceFiles).filter((f) => f !== THE_LAYOUT);
    expect(files.length).toBeGreaterThan(30);
    expect(files.flatMap(handBuiltKeys)).toEqual([]);
  });

  it('would see a key built by hand', () => {
    const found = handBuiltKeys(THE_LAYOUT);
    for (const shape of [': MEMBER#', ': INDEX', ': HOLDS', ': `${accountPk(t.accountId)}#M`', ': A#']) {
      expect(found.some((f) => f.includes(shape))).toBe(true);
    }
  });
});
