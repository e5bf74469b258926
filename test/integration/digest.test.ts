// The daily digest: members who chose it get one e-mail a day per account with the day
// before's unanswered questions and thumbs-down, per bot (counts, the first few, a link to
// each conversation), from the run the stack's schedule starts (driven here with a fixed
// clock: the scheduled event's time). Nobody else gets it, nothing is sent on a day with
// nothing to say, a second run sends nothing twice, and no account sees another's.
import { describe, expect, it } from 'vitest';
import { DIGEST_ITEMS_SHOWN } from '../../lambdas/core/digest-mail.ts';
import { ask, call, joinTeam, newOwner, usePlatform, type Owner } from './fixtures/platform.ts';

const PANEL = 'https://panel.example/admin/';
const DAY_MS = 86_400_000;

describe('the daily digest', () => {
  const platform = usePlatform({ env: () => ({ PARLEY_PANEL_URL: PANEL }), ingest: { retryDelayMs: 20 } });

  const today = () => new Date().toISOString().slice(0, 10);
  /** The schedule's run tomorrow morning, which covers today. */
  const runTomorrow = async () => {
    await platform().notify.idle();
    await platform().digest(new Date(Date.parse(`${today()}T07:00:00.000Z`) + DAY_MS));
    await platform().notify.idle();
  };
  const digestsTo = (email: string) => platform().outbox.messages.filter((m) => m.to.includes(email) && m.subject.startsWith('Yesterday'));
  const optIn = async (client: Pick<Owner, 'request'>) => expect((await client.request('PUT', '/v1/me/notifications', { digest: true })).status).toBe(200);

  it('e-mails who chose it the day’s unanswered questions and thumbs-down, with links, once', async () => {
    const o = await newOwner(platform());
    const viewer = await joinTeam(platform(), o, 'viewer');
    const admin = await joinTeam(platform(), o, 'admin');
    await optIn(o);
    await optIn(viewer);
    expect((await o.request<{ preferences: { digest?: boolean } }>('GET', '/v1/me/notifications')).body.preferences.digest).toBe(true);

    const asked = [];
    for (let i = 0; i < DIGEST_ITEMS_SHOWN + 1; i++) asked.push(await ask(platform(), o.publicId, `Do you ship to island number ${i}?`));
    const rated = asked[0]!;
    expect((await call(platform().apiUrl, 'POST', `/widget/v1/${o.publicId}/feedback`,
      { conversationId: rated.conversationId, turnId: rated.turnId, rating: 'down', comment: 'Useless <b>answer</b>' }, { authorization: `Bearer ${rated.token}` })).status).toBe(204);

    await runTomorrow();
    const [mail, ...more] = digestsTo(o.email);
    expect(more).toEqual([]);
    expect(mail!.html).toBeUndefined();
    expect(mail!.subject).toBe(`Yesterday · ${DIGEST_ITEMS_SHOWN + 1} unanswered questions, 1 thumbs-down · Test account`);
    expect(mail!.text).toContain(`on ${today()} (UTC)`);
    expect(mail!.text).toContain('== Help desk ==');
    expect(mail!.text).toContain(`${DIGEST_ITEMS_SHOWN + 1} questions it could not answer, the first ${DIGEST_ITEMS_SHOWN}:`);
    expect(mail!.text).toContain('Question:\n    Do you ship to island number 0?\n');
    expect(mail!.text).not.toContain(`island number ${DIGEST_ITEMS_SHOWN}?`);
    expect(mail!.text).toContain('1 answer a visitor gave a thumbs-down:\nQuestion:\n    Do you ship to island number 0?\nComment:\n    Useless <b>answer</b>\n');
    expect(mail!.text).toContain(`  Conversation: ${PANEL}#/bots/${o.botId}/conversations/${rated.conversationId}/${rated.turnId}\n`);
    expect(mail!.text).toContain(`Teach Help desk the answers: ${PANEL}#/bots/${o.botId}/unanswered\n`);
    // The viewer chose it too; the admin did not.
    expect(digestsTo(viewer.email)).toHaveLength(1);
    expect(digestsTo(admin.email)).toEqual([]);
    const sent = await o.request<{ sent: Array<{ type: string; to: string; status: string }> }>('GET', '/v1/notifications/sent');
    expect(sent.body.sent.filter((s) => s.type === 'digest').map((s) => s.to).sort()).toEqual([o.email, viewer.email].sort());
    expect(sent.text).not.toContain('island');

    // The schedule retried, or run again by hand: nobody gets the day's digest twice.
    await runTomorrow();
    expect(digestsTo(o.email)).toHaveLength(1);
  });

  it('is off by default, and sends nothing on a day with nothing to say', async () => {
    const quiet = await newOwner(platform());
    await optIn(quiet);
    const busy = await newOwner(platform());
    await ask(platform(), busy.publicId, 'Is there parking?');
    await runTomorrow();
    // One who chose it but had no question declined, one who had but never chose it.
    expect(digestsTo(quiet.email)).toEqual([]);
    expect(digestsTo(busy.email)).toEqual([]);
    expect((await busy.request<{ preferences: { digest?: boolean } }>('GET', '/v1/me/notifications')).body.preferences.digest).toBeUndefined();
  });

  it('covers the day before the run only, and tells no account of another’s', async () => {
    const alice = await newOwner(platform());
    const bob = await newOwner(platform());
    await optIn(alice);
    await optIn(bob);
    await ask(platform(), alice.publicId, 'What is the secret recipe of Alice?');
    await platform().notify.idle();
    // A run today covers yesterday, when nothing happened.
    await platform().digest(new Date());
    await platform().notify.idle();
    expect(digestsTo(alice.email)).toEqual([]);
    await runTomorrow();
    expect(digestsTo(alice.email)).toHaveLength(1);
    expect(digestsTo(bob.email)).toEqual([]);
    expect(platform().outbox.messages.filter((m) => !m.to.includes(alice.email)).map((m) => m.text).join('\n')).not.toContain('secret recipe of Alice');
  });

  it('is not kept for an account where nobody wants it', async () => {
    const o = await newOwner(platform());
    await ask(platform(), o.publicId, 'Anything at all?');
    await platform().notify.idle();
    const day = today();
    expect(await platform().deps.notifications.listDigestAccounts(day)).not.toContain(o.accountId);
  });
});
