import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { describe, expect, it } from 'vitest';
import { redact } from '../../lambdas/shared/logger.ts';
import { toApiEvent } from '../../infra/local/api-events.ts';
import { verifyPresignedUrl } from '../../infra/local/sigv4.ts';

describe('local events', () => {
  it('builds payload 2.0 events: lower-case headers, cookies apart, base64 for binary bodies', () => {
    const event = toApiEvent({
      method: 'POST', url: new URL('http://127.0.0.1/v1/bots?x=1&x=2'), body: Buffer.from([0, 1, 2]),
      headers: { 'content-type': 'application/octet-stream', cookie: 'a=1; b=2' }, sourceIp: '127.0.0.1', routeKey: 'POST /v1/bots',
    });
    expect(event).toMatchObject({ version: '2.0', routeKey: 'POST /v1/bots', rawQueryString: 'x=1&x=2', cookies: ['a=1', 'b=2'], isBase64Encoded: true, body: 'AAEC', queryStringParameters: { x: '1,2' } });
    expect(event.headers.cookie).toBeUndefined();
  });
});

describe('the S3 front door’s SigV4 check', () => {
  const s3 = new S3Client({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:9', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  const presign = () => getSignedUrl(s3, new PutObjectCommand({ Bucket: 'b', Key: 'accounts/x/a b.md', ContentType: 'text/markdown', ContentLength: 10 }), {
    expiresIn: 60, signableHeaders: new Set(['content-type', 'content-length']),
  });
  const headers = { host: '127.0.0.1:9', 'content-type': 'text/markdown', 'content-length': '10' };

  it('accepts what the SDK presigned, and nothing else', async () => {
    const url = new URL(await presign());
    expect(verifyPresignedUrl('PUT', url, headers, 'S3RVER')).toEqual({ ok: true });
    expect(verifyPresignedUrl('PUT', url, { ...headers, 'content-length': '11' }, 'S3RVER')).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' });
    expect(verifyPresignedUrl('PUT', url, { ...headers, 'content-type': 'text/html' }, 'S3RVER')).toMatchObject({ ok: false });
    expect(verifyPresignedUrl('GET', url, headers, 'S3RVER')).toMatchObject({ ok: false });
    expect(verifyPresignedUrl('PUT', url, headers, 'other-secret')).toMatchObject({ ok: false });
    expect(verifyPresignedUrl('PUT', url, headers, 'S3RVER', new Date(Date.now() + 61_000))).toEqual({ ok: false, code: 'AccessDenied', message: 'Request has expired' });
  });
});

describe('log redaction', () => {
  it('masks provider keys, bearer tokens and JWTs', () => {
    const line = redact('key sk-proj-abcdefghijklmnop and sk-ant-api03-XYZXYZXYZXYZ, Bearer abc.def.ghijklmnop, eyJhbGciOi.eyJzdWIiOiIx.c2lnbmF0dXJl');
    expect(line).not.toMatch(/abcdefghijklmnop|XYZXYZXYZXYZ|ghijklmnop|c2lnbmF0dXJl/);
  });
});
