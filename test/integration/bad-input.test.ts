import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { MAX_QUESTION_CHARS, MAX_UPLOAD_BYTES } from '../../lambdas/core/limits.ts';
import { ask, call, newOwner, signIn, uploadDocument, usePlatform } from './fixtures/platform.ts';

const errorShape = { error: { code: expect.any(String) as string, message: expect.any(String) as string } };

describe('bad input gets a clear JSON error and loses nothing', () => {
  const platform = usePlatform();

  it('answers unknown routes with 404 and a known path with a wrong method with 405', async () => {
    const unknown = await call(platform().apiUrl, 'GET', '/v1/nothing-here');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual(errorShape);
    const wrongMethod = await call(platform().apiUrl, 'PUT', '/v1/bots');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET, POST');
  });

  it('answers a body sent in chunks beyond the limit with 413, not a reset connection', async () => {
    const owner = await newOwner(platform());
    const url = new URL('/v1/bots', platform().apiUrl);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(url, { method: 'POST', headers: { authorization: `Bearer ${owner.token}`, 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      let sent = 0;
      const pump = () => {
        while (sent < 20) {
          sent++;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
    expect(status).toBe(413);
  });

  it('refuses a missing, malformed, forged or wrongly signed token with 401', async () => {
    const owner = await newOwner(platform());
    const [header, payload] = owner.token.split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ sub: 'someone-else', iss: 'parley-local', aud: 'parley_local_admin', token_use: 'id', exp: 9999999999 })).toString('base64url');
    for (const authorization of [undefined, 'Bearer', 'Bearer not-a-jwt', `Bearer ${header}.${forgedPayload}.${owner.token.split('.')[2]}`, `Basic ${payload}`]) {
      const res = await call(platform().apiUrl, 'GET', '/v1/bots', undefined, authorization ? { authorization } : {});
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: { code: 'unauthorized', message: expect.any(String) as string } });
    }
  });

  it('refuses malformed JSON, wrong types and unknown fields with 400 naming the field', async () => {
    const owner = await newOwner(platform());
    const malformed = await owner.request('POST', '/v1/bots', '{"name": ');
    expect(malformed.status).toBe(400);
    expect(malformed.body).toEqual(errorShape);
    const wrongType = await owner.request('POST', '/v1/bots', { name: 42 });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body).toMatchObject({ error: { code: 'invalid_request', field: 'name' } });
    const badOrigin = await owner.request('POST', '/v1/bots', { name: 'x', allowedOrigins: ['javascript:alert(1)'] });
    expect(badOrigin.status).toBe(400);
  });

  it('asks for an account before anything else', async () => {
    const stranger = await signIn(platform());
    const res = await stranger.request('GET', '/v1/bots');
    expect(res.status).toBe(403);
    expect(res.body).toEqual(errorShape);
    expect((await stranger.request('POST', '/v1/account', {})).status).toBe(201);
    expect((await stranger.request('POST', '/v1/account', {})).status).toBe(409);
  });

  it('refuses uploads of a forbidden type, a mismatched name, an empty file or over the limit before any URL is issued', async () => {
    const owner = await newOwner(platform());
    const path = `/v1/bots/${owner.botId}/documents`;
    const cases: Array<[Record<string, unknown>, number]> = [
      [{ name: 'malware.exe', contentType: 'application/x-msdownload', size: 100 }, 415],
      [{ name: 'notes.pdf', contentType: 'text/markdown', size: 100 }, 415],
      [{ name: 'empty.md', contentType: 'text/markdown', size: 0 }, 400],
      [{ name: 'huge.md', contentType: 'text/markdown', size: MAX_UPLOAD_BYTES + 1 }, 413],
      [{ name: 'neg.md', contentType: 'text/markdown', size: -5 }, 400],
    ];
    for (const [body, status] of cases) {
      const res = await owner.request('POST', path, body);
      expect({ body, status: res.status }).toEqual({ body, status });
      expect(res.body).toMatchObject(errorShape);
      expect(res.text).not.toContain('X-Amz-Signature');
    }
    expect((await owner.request<{ documents: unknown[] }>('GET', path)).body.documents).toEqual([]);
  });

  it('lets S3 refuse a presigned upload of another size or type, storing nothing', async () => {
    const owner = await newOwner(platform());
    const ticket = await owner.request<{ document: { docId: string }; upload: { url: string } }>(
      'POST', `/v1/bots/${owner.botId}/documents`, { name: 'a.md', contentType: 'text/markdown', size: 10 },
    );
    const bigger = await fetch(ticket.body.upload.url, { method: 'PUT', headers: { 'content-type': 'text/markdown' }, body: 'x'.repeat(5000) });
    expect(bigger.status).toBe(403);
    const otherType = await fetch(ticket.body.upload.url, { method: 'PUT', headers: { 'content-type': 'text/html' }, body: '0123456789' });
    expect(otherType.status).toBe(403);
    await platform().ingest.idle();
    const doc = await owner.request<{ document: { status: string } }>('GET', `/v1/bots/${owner.botId}/documents/${ticket.body.document.docId}`);
    expect(doc.body.document.status).toBe('awaiting_upload');
    // A tampered signature is refused too.
    const tampered = ticket.body.upload.url.replace(/X-Amz-Signature=([0-9a-f])/, (_m, c: string) => `X-Amz-Signature=${c === '0' ? '1' : '0'}`);
    expect((await fetch(tampered, { method: 'PUT', headers: { 'content-type': 'text/markdown' }, body: '0123456789' })).status).toBe(403);
  });

  it('marks a file whose bytes are not what was declared as failed, with a reason', async () => {
    const owner = await newOwner(platform());
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
    const doc = await uploadDocument(platform(), owner, 'picture.md', png);
    expect(doc.status).toBe('failed');
    expect(doc.error).toMatch(/^The name of this file says it is a Markdown file, but its contents look like an image\. Save it again/);
    const binary = await uploadDocument(platform(), owner, 'latin1.txt', new Uint8Array([0x63, 0x61, 0x66, 0xe9]), 'text/plain');
    expect(binary).toMatchObject({ status: 'failed', error: expect.stringContaining('binary file') as string });
  });

  it('marks a document with no text as failed', async () => {
    const owner = await newOwner(platform());
    const doc = await uploadDocument(platform(), owner, 'blank.md', '\n\n   \n# \n');
    expect(doc).toMatchObject({ status: 'failed', error: 'No text was found in this file.' });
  });

  it('keeps text in many scripts intact', async () => {
    const owner = await newOwner(platform());
    const text = '# Öffnungszeiten\n\nMontag bis Freitag geöffnet. 営業時間は午前九時から午後六時までです。 Часы работы: с девяти до шести. ساعات العمل من التاسعة\n';
    const doc = await uploadDocument(platform(), owner, 'hours.md', text);
    expect(doc.status).toBe('ready');
    const reply = await ask(platform(), owner.publicId, 'Часы работы');
    expect(String(reply.sources[0]?.quote)).toContain('営業時間は午前九時から午後六時までです。 Часы работы: с девяти до шести. ساعات العمل من التاسعة');
  });

  it('refuses an empty or overlong question, an unknown public id, and a disallowed origin', async () => {
    const owner = await newOwner(platform());
    expect((await ask(platform(), owner.publicId, '   ')).status).toBe(400);
    const long = await ask(platform(), owner.publicId, 'x'.repeat(MAX_QUESTION_CHARS + 1));
    expect(long.status).toBe(400);
    expect(long.body).toEqual(errorShape);
    expect((await ask(platform(), '01ARZ3NDEKTSV4RRFFQ69G5FAV', 'hello')).status).toBe(404);
    expect((await ask(platform(), 'not-an-id', 'hello')).status).toBe(404);
    const foreign = await ask(platform(), owner.publicId, 'hello', { origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(foreign.events).toEqual([]);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('never sends a stack trace or internal message', async () => {
    const owner = await newOwner(platform());
    const responses = await Promise.all([
      owner.request('POST', '/v1/bots', '{{{'),
      owner.request('GET', '/v1/bots/%E0%A4%A'),
      call(platform().apiUrl, 'POST', '/local/sign-in', { email: 'not-an-email' }),
    ]);
    for (const res of responses) {
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.text).not.toMatch(/\bat .+\.ts:\d+|Error:|node_modules|stack/);
    }
  });
});
