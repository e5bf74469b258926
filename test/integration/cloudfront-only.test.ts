// Only CloudFront reaches the functions. The local platform here serves requests as the
// bare function URLs receive them on AWS (no CloudFront in front adding its proof): every
// function refuses them with 403 before doing anything, and answers once the edge secret
// CloudFront would add is present. The admin function then checks sign-in itself.
import { describe, expect, it } from 'vitest';
import { EDGE_SECRET_HEADER } from '../../lambdas/http/client-address.ts';
import { call, usePlatform } from './fixtures/platform.ts';

const forbidden = { error: { code: 'forbidden', message: 'This address answers only through the Parley site. Use its address instead.' } };

describe('the function URLs without CloudFront', () => {
  const platform = usePlatform({ cloudFront: false });
  const proof = () => ({ [EDGE_SECRET_HEADER]: platform().edgeSecret });
  const signInToken = async () => (await platform().identity.signIn(`owner-${Date.now()}@example.com`)).token;

  it('refuse every function’s requests without the edge proof, signed in or not, known path or not', async () => {
    const token = await signInToken();
    const attempts: [string, string, unknown?][] = [
      ['GET', '/v1/bots'],
      ['POST', '/v1/account', { name: 'Sneaky' }],
      ['GET', '/v1/nothing-here'],
      ['GET', '/widget/v1/unknown-bot/config'],
      ['OPTIONS', '/widget/v1/unknown-bot/sessions'],
      ['POST', '/widget/v1/unknown-bot/chat', { question: 'hello?' }],
    ];
    for (const [method, path, body] of attempts) {
      const tries: Record<string, string>[] = [{}, { authorization: `Bearer ${token}` }, { [EDGE_SECRET_HEADER]: 'not-the-secret-but-long-enough-0000000000000000' }];
      for (const headers of tries) {
        const res = await call(platform().apiUrl, method, path, body, headers);
        expect({ method, path, status: res.status, body: res.body }).toEqual({ method, path, status: 403, body: forbidden });
      }
    }
    // Nothing was created by the refused POSTs: the user's first account is made only now (a second would conflict).
    const account = await call(platform().apiUrl, 'POST', '/v1/account', { name: 'Mine' }, { ...proof(), authorization: `Bearer ${token}` });
    expect(account.status).toBe(201);
    const again = await call(platform().apiUrl, 'POST', '/v1/account', { name: 'Mine again' }, { ...proof(), authorization: `Bearer ${token}` });
    expect(again.status).toBe(409);
  });

  it('serve requests with the proof: the admin function checks sign-in and routes itself', async () => {
    const token = await signInToken();
    const noToken = await call(platform().apiUrl, 'GET', '/v1/bots', undefined, proof());
    expect(noToken.status).toBe(401);
    expect(noToken.headers.get('www-authenticate')).toBe('Bearer');
    const created = await call<{ account: { accountId: string } }>(platform().apiUrl, 'POST', '/v1/account', { name: 'Through CloudFront' }, { ...proof(), authorization: `Bearer ${token}` });
    expect(created.status).toBe(201);
    const unknown = await call(platform().apiUrl, 'GET', '/v1/nothing-here', undefined, { ...proof(), authorization: `Bearer ${token}` });
    expect(unknown.status).toBe(404);
    const wrongMethod = await call(platform().apiUrl, 'PUT', '/v1/bots', undefined, { ...proof(), authorization: `Bearer ${token}` });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET, POST');
    const widget = await call(platform().apiUrl, 'GET', '/widget/v1/unknown-bot/config', undefined, { ...proof(), origin: 'https://shop.example' });
    expect(widget.status).toBe(404);
  });
});
