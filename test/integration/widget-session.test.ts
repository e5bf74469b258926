// The widget's front door: the bot comes from its public id, the page's Origin must
// be allowed, and every visitor action needs a token bound to that bot and origin.
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { routes } from '../../lambdas/http/routes.ts';
import { ask, call, newOwner, uploadDocument, usePlatform, visitorToken, type Owner } from './fixtures/platform.ts';

const SHOP = 'https://shop.example';
const BLOG = 'https://blog.example';
const EVIL = 'https://evil.example';

describe('widget sessions and origins', () => {
  const platform = usePlatform();

  const ownerWithSite = async (): Promise<Owner> => {
    const owner = await newOwner(platform());
    await owner.request('PATCH', `/v1/bots/${owner.botId}`, { allowedOrigins: [SHOP, BLOG] });
    await uploadDocument(platform(), owner, 'hours.md', '# Hours\n\nThe shop opens at nine in the morning.\n');
    return owner;
  };
  const widget = (publicId: string, method: string, path: string, origin?: string, token?: string, body?: unknown) =>
    call<Record<string, unknown>>(platform().apiUrl, method, `/widget/v1/${publicId}${path}`, body, {
      ...(origin ? { origin } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    });

  it('answers an allowed origin with its CORS header, and a disallowed one with 403 and nothing readable', async () => {
    const owner = await ownerWithSite();
    const ok = await widget(owner.publicId, 'GET', '/config', SHOP);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe(SHOP);

    for (const [method, path] of [['GET', '/config'], ['POST', '/sessions'], ['POST', '/chat'], ['POST', '/feedback'], ['POST', '/handoff']] as const) {
      const res = await widget(owner.publicId, method, path, EVIL, undefined, method === 'POST' ? {} : undefined);
      expect({ path, status: res.status }).toEqual({ path, status: 403 });
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      expect(JSON.stringify(res.body)).not.toContain('Help desk');
    }
  });

  it('refuses a wildcard origin rather than keeping one that could never match', async () => {
    const owner = await newOwner(platform());
    const res = await owner.request('PATCH', `/v1/bots/${owner.botId}`, { allowedOrigins: ['https://*.example.com'] });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { message: expect.stringContaining('wildcards') as string } });
  });

  it('answers preflights only for allowed origins', async () => {
    const owner = await ownerWithSite();
    const res = await fetch(`${platform().apiUrl}/widget/v1/${owner.publicId}/chat`, {
      method: 'OPTIONS',
      headers: { origin: SHOP, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(SHOP);
    expect(res.headers.get('access-control-allow-headers')).toContain('authorization');
    const evil = await fetch(`${platform().apiUrl}/widget/v1/${owner.publicId}/chat`, { method: 'OPTIONS', headers: { origin: EVIL } });
    expect(evil.status).toBe(403);
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses chat without a token, with a forged one, and with one from another origin or bot', async () => {
    const owner = await ownerWithSite();
    const other = await ownerWithSite();
    const shopToken = await visitorToken(platform(), owner.publicId, { origin: SHOP });
    expect(shopToken).toBeDefined();
    expect((await ask(platform(), owner.publicId, 'When do you open?', { origin: SHOP }, { token: shopToken! })).answer).toContain('nine');

    const noToken = await widget(owner.publicId, 'POST', '/chat', SHOP, undefined, { question: 'When do you open?' });
    expect(noToken.status).toBe(401);
    expect(noToken.body).toMatchObject({ error: { message: expect.stringContaining('Start a chat session first') as string } });
    // The page may read the 401 (its origin is allowed), so the widget can start a new session.
    expect(noToken.headers.get('access-control-allow-origin')).toBe(SHOP);
    expect((await widget(owner.publicId, 'POST', '/feedback', SHOP, undefined, {})).headers.get('access-control-allow-origin')).toBe(SHOP);
    // A script faking the Origin header of the page cannot reuse the page's token under another allowed origin…
    expect((await widget(owner.publicId, 'POST', '/chat', BLOG, shopToken, { question: 'When do you open?' })).status).toBe(401);
    // …nor take it to another bot.
    expect((await widget(other.publicId, 'POST', '/chat', SHOP, shopToken, { question: 'When do you open?' })).status).toBe(401);
    const forged = await new SignJWT({ origin: SHOP }).setProtectedHeader({ alg: 'HS256' }).setSubject('01ARZ3NDEKTSV4RRFFQ69G5FAV')
      .setAudience(owner.publicId).setIssuer('parley-widget').setExpirationTime('5m').sign(new TextEncoder().encode('x'.repeat(32)));
    expect((await widget(owner.publicId, 'POST', '/chat', SHOP, forged, { question: 'When do you open?' })).status).toBe(401);
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${shopToken!.split('.')[1]}.`;
    expect((await widget(owner.publicId, 'POST', '/chat', SHOP, unsigned, { question: 'When do you open?' })).status).toBe(401);
  });

  it('keeps the visitor id when a valid token is renewed, and starts afresh otherwise', async () => {
    const owner = await ownerWithSite();
    const first = await widget(owner.publicId, 'POST', '/sessions', SHOP);
    expect(first.status).toBe(201);
    const renewed = await widget(owner.publicId, 'POST', '/sessions', SHOP, String(first.body.token));
    expect(renewed.body.visitorId).toBe(first.body.visitorId);
    const elsewhere = await widget(owner.publicId, 'POST', '/sessions', BLOG, String(first.body.token));
    expect(elsewhere.body.visitorId).not.toBe(first.body.visitorId);
    expect(first.body.expiresIn).toBeGreaterThan(60);
  });

  it('renews a lapsed token into the same visitor, though the lapsed token itself is refused', async () => {
    const owner = await ownerWithSite();
    const claims = { visitorId: '01ARZ3NDEKTSV4RRFFQ69G5FAV', publicId: owner.publicId, origin: SHOP };
    const lapsed = await platform().deps.visitorTokens.issue(claims, -60);
    expect((await widget(owner.publicId, 'POST', '/chat', SHOP, lapsed, { question: 'When do you open?' })).status).toBe(401);
    const renewed = await widget(owner.publicId, 'POST', '/sessions', SHOP, lapsed);
    expect(renewed.body.visitorId).toBe(claims.visitorId);
    const longGone = await platform().deps.visitorTokens.issue(claims, -2 * 86_400);
    expect((await widget(owner.publicId, 'POST', '/sessions', SHOP, longGone)).body.visitorId).not.toBe(claims.visitorId);
  });

  it('answers 404 on every widget route for a public id that is not a bot, exactly as for a deleted one', async () => {
    const owner = await ownerWithSite();
    const token = await visitorToken(platform(), owner.publicId, { origin: SHOP });
    await owner.request('DELETE', `/v1/bots/${owner.botId}`);
    const widgetRoutes = routes.filter((r) => r.path.startsWith('/widget/') && r.method !== 'OPTIONS');
    expect(widgetRoutes.length).toBeGreaterThanOrEqual(7);
    for (const route of widgetRoutes) {
      for (const publicId of [owner.publicId, '01ARZ3NDEKTSV4RRFFQ69G5FAV', 'not-an-id']) {
        const path = route.path.replace('/widget/v1/{publicId}', '').replace('{conversationId}', '01ARZ3NDEKTSV4RRFFQ69G5FAV');
        const res = await widget(publicId, route.method, path, SHOP, token, route.method === 'POST' ? { question: 'hi' } : undefined);
        expect({ route: route.path, publicId, status: res.status }).toEqual({ route: route.path, publicId, status: 404 });
      }
    }
  });
});
