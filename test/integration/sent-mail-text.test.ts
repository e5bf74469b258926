// Reading a notification e-mail's text in the panel's API: locally the outbox keeps
// each message, and an owner opens one of their account's e-mails by its sent-log
// entry and gets the text exactly as sent (a visitor's markup stays characters).
// Another account's e-mail answers 404; ids that try to climb out of the outbox are
// refused, by the API and by the outbox itself, and read nothing.
import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { call, joinTeam, newOwner, usePlatform, visitorToken, type Owner } from './fixtures/platform.ts';

interface Sent { eventId: string; userId: string; to: string; subject: string; status: string; messageId?: string }
interface SentMail { sent: Sent; copy: { kept: true; text: string } | { kept: false; why: string } }

const HOSTILE = '<img src=x onerror=alert(1)> and </pre><script>alert(2)</script>';

/** A GET with the path exactly as written: fetch would resolve `..` segments before sending. */
const rawGet = (base: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> =>
  new Promise((resolve, reject) => {
    const url = new URL(base);
    const req = http.request({ host: url.hostname, port: url.port, path, method: 'GET', headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(parts).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });

describe('a notification e-mail’s text', () => {
  const platform = usePlatform({ ingest: { retryDelayMs: 20 } });

  const handoff = async (o: Owner, message: string) => {
    const token = await visitorToken(platform(), o.publicId);
    expect((await call(platform().apiUrl, 'POST', `/widget/v1/${o.publicId}/handoff`, { email: 'ada@example.com', message }, { authorization: `Bearer ${token}` })).status).toBe(201);
    await platform().notify.idle();
  };
  const firstSent = async (o: Owner): Promise<Sent> => {
    const [sent] = (await o.request<{ sent: Sent[] }>('GET', '/v1/notifications/sent')).body.sent;
    expect(sent).toBeDefined();
    return sent!;
  };

  it('opens for an owner with the text as sent, the visitor’s markup kept as characters', async () => {
    const o = await newOwner(platform());
    await handoff(o, HOSTILE);
    const sent = await firstSent(o);
    const res = await o.request<SentMail>('GET', `/v1/notifications/sent/${sent.eventId}/${sent.userId}`);
    expect(res.status).toBe(200);
    expect(res.body.sent).toMatchObject({ eventId: sent.eventId, to: o.email, status: 'sent' });
    const kept = platform().outbox.messages.find((m) => m.messageId === sent.messageId);
    expect(res.body.copy).toEqual({ kept: true, text: kept!.text });
    expect(res.body.copy.kept && res.body.copy.text).toContain(`    ${HOSTILE}`);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('is for owners and admins, not viewers', async () => {
    const o = await newOwner(platform());
    const viewer = await joinTeam(platform(), o, 'viewer');
    await handoff(o, 'Hello');
    const sent = await firstSent(o);
    const res = await viewer.request('GET', `/v1/notifications/sent/${sent.eventId}/${sent.userId}`, undefined, { 'x-parley-account': o.accountId });
    expect(res.status).toBe(403);
  });

  it('answers another account’s e-mail with 404, exactly like a missing one', async () => {
    const alice = await newOwner(platform());
    const bob = await newOwner(platform());
    await handoff(alice, 'Hello');
    const sent = await firstSent(alice);
    const theirs = await bob.request('GET', `/v1/notifications/sent/${sent.eventId}/${sent.userId}`);
    const missing = await bob.request('GET', `/v1/notifications/sent/01ARZ3NDEKTSV4RRFFQ69G5FAV/${sent.userId}`);
    expect([theirs.status, missing.status]).toEqual([404, 404]);
    expect(theirs.body).toEqual(missing.body);
    expect(theirs.text).not.toContain('Hello');
  });

  it('refuses ids that climb out of the outbox, and reads nothing', async () => {
    const o = await newOwner(platform());
    await handoff(o, 'Hello');
    const sent = await firstSent(o);
    const auth = { authorization: `Bearer ${o.token}` };
    for (const path of [
      `/v1/notifications/sent/..%2F..%2F..%2Fetc%2Fpasswd/${sent.userId}`,
      `/v1/notifications/sent/${sent.eventId}/..%2F..%2F..%2Fetc%2Fpasswd`,
      `/v1/notifications/sent/${sent.eventId}/${sent.userId}%2F..%2F..`,
      `/v1/notifications/sent/%2e%2e/%2e%2e`,
      `/v1/notifications/sent/${sent.eventId}%23${sent.userId}/x`,
    ]) {
      const res = await rawGet(platform().apiUrl, path, auth);
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
      expect(res.text).not.toMatch(/root:|Hello/);
    }
    // The outbox itself answers only its own message ids, found by listing, never by a path from the request.
    for (const id of ['..%2F..%2F..%2Fetc%2Fpasswd', '..', `${sent.messageId}%2F..`, `..%2F${sent.messageId}`]) {
      const res = await rawGet(platform().outbox.url, `/local/outbox/${id}`);
      expect({ id, status: res.status }).toEqual({ id, status: 400 });
      expect(res.text).not.toMatch(/root:|Hello/);
    }
    expect((await rawGet(platform().outbox.url, `/local/outbox/${sent.messageId}`)).status).toBe(200);
  });
});
