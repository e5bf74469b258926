/**
 * The local S3 front door lets through only what S3 would: requests SigV4-signed with a key it
 * knows (the SDK's header signatures, presigned URLs), paths that stay inside the emulator's
 * folder once decoded as the emulator decodes them; and the panel's upload relay reaches only it.
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, CreateBucketCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_S3_CREDENTIALS } from '../../lambdas/adapters/s3/object-store.ts';
import { startS3FrontDoor, startS3rver } from '../../infra/local/s3-local.ts';
import type { Stoppable } from '../../infra/local/loopback.ts';
import { usePlatform } from './fixtures/platform.ts';

const BUCKET = 'front-door-test';
let root: string;
let emulator: Stoppable;
let door: Stoppable;
const created: string[] = [];
let s3: S3Client;

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'parley-door-'));
  await fs.mkdir(path.join(root, 'store'));
  emulator = await startS3rver(path.join(root, 'store'));
  door = await startS3FrontDoor(emulator.url, (_b, key) => created.push(key));
  s3 = new S3Client({ region: 'eu-west-1', endpoint: door.url, forcePathStyle: true, credentials: LOCAL_S3_CREDENTIALS });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'accounts/a/export.json', Body: 'secret export', ContentType: 'application/json' }));
});
afterAll(async () => {
  s3.destroy();
  await door.stop();
  await emulator.stop();
  await fs.rm(root, { recursive: true, force: true });
});

const raw = async (method: string, target: string, body?: string) => {
  const res = await fetch(`${door.url}${target}`, { method, ...(body === undefined ? {} : { body }) });
  return { status: res.status, text: await res.text() };
};

/** A PUT with its request target exactly as written (fetch would resolve %2E%2E segments first). */
const putExactly = (target: string, body: string) => new Promise<{ status: number; text: string }>((resolve, reject) => {
  const { port } = new URL(door.url);
  const req = http.request({ host: '127.0.0.1', port, method: 'PUT', path: target, headers: { 'content-length': Buffer.byteLength(body) } }, (res) => {
    let text = '';
    res.on('data', (d: Buffer) => (text += d.toString()));
    res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
  });
  req.on('error', reject);
  req.end(body);
});

/** Every file under `dir`, as paths relative to it. */
const filesUnder = async (dir: string): Promise<string[]> =>
  (await fs.readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));

const toBytes = (data: string | ArrayBuffer | ArrayBufferView): string | Uint8Array =>
  typeof data === 'string' ? data : data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);

/** The hash the signer asks for, from node:crypto. */
class Sha256 {
  private readonly hash: Hash | Hmac;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) { this.hash = secret ? createHmac('sha256', toBytes(secret)) : createHash('sha256'); }
  update(data: string | ArrayBuffer | ArrayBufferView): void { this.hash.update(toBytes(data)); }
  digest(): Promise<Uint8Array> { return Promise.resolve(new Uint8Array(this.hash.digest())); }
}

/** A valid presigned URL for a path exactly as given (S3 signs the path as sent, without re-encoding it), as the SDK's presigner signs one. */
const presignRawPath = async (method: string, rawPath: string): Promise<string> => {
  const signer = new SignatureV4({ service: 's3', region: 'eu-west-1', credentials: LOCAL_S3_CREDENTIALS, sha256: Sha256, uriEscapePath: false, applyChecksum: false });
  const { port } = new URL(door.url);
  const signed = await signer.presign({ method, protocol: 'http:', hostname: '127.0.0.1', port: Number(port), path: rawPath, query: {}, headers: { host: `127.0.0.1:${port}`, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } }, {
    expiresIn: 60, unsignableHeaders: new Set(['x-amz-content-sha256']), unhoistableHeaders: new Set(['x-amz-content-sha256']),
  });
  return `${door.url}${rawPath}?${new URLSearchParams(signed.query as Record<string, string>).toString()}`;
};

describe('the local S3 front door', () => {
  it('refuses requests with no signature: no listing, no reading, no overwriting', async () => {
    for (const [method, target] of [['GET', `/${BUCKET}`], ['GET', `/${BUCKET}?list-type=2`], ['GET', `/${BUCKET}/accounts/a/export.json`], ['PUT', `/${BUCKET}/accounts/a/export.json`], ['DELETE', `/${BUCKET}/accounts/a/export.json`], ['GET', '/']] as const) {
      const res = await raw(method, target, method === 'PUT' ? 'overwritten' : undefined);
      expect({ method, target, status: res.status }).toEqual({ method, target, status: 403 });
      expect(res.text).toContain('<Code>AccessDenied</Code>');
      expect(res.text).not.toContain('secret export');
    }
    // A made-up header signature is no better.
    const forged = await fetch(`${door.url}/${BUCKET}/accounts/a/export.json`, {
      headers: { authorization: `AWS4-HMAC-SHA256 Credential=S3RVER/20260101/eu-west-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=${'0'.repeat(64)}`, 'x-amz-date': new Date().toISOString().replace(/[-:]|\.\d{3}/g, ''), 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
    });
    expect(forged.status).toBe(403);
    expect(await forged.text()).not.toContain('secret export');
    const kept = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'accounts/a/export.json' }));
    expect(await kept.Body!.transformToString()).toBe('secret export');
  });

  it('lets the SDK’s own signed calls through, and refuses them signed with another secret', async () => {
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }));
    expect(listed.Contents?.map((o) => o.Key)).toContain('accounts/a/export.json');
    const wrong = new S3Client({ region: 'eu-west-1', endpoint: door.url, forcePathStyle: true, maxAttempts: 1, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'not-the-secret' } });
    await expect(wrong.send(new ListObjectsV2Command({ Bucket: BUCKET }))).rejects.toMatchObject({ name: 'SignatureDoesNotMatch' });
    wrong.destroy();
  });

  it('refuses a tampered presigned URL', async () => {
    const url = new URL(await getSignedUrl(s3, new GetObjectCommand({ Bucket: BUCKET, Key: 'accounts/a/export.json' }), { expiresIn: 60 }));
    expect((await fetch(url)).status).toBe(200);
    const otherKey = new URL(url);
    otherKey.pathname = `/${BUCKET}/accounts/b/export.json`;
    const longer = new URL(url);
    longer.searchParams.set('X-Amz-Expires', '604800');
    const unsigned = new URL(url);
    unsigned.searchParams.delete('X-Amz-Signature');
    for (const tampered of [otherKey, longer, unsigned]) {
      const res = await fetch(tampered);
      expect({ url: tampered.href, status: res.status }).toEqual({ url: tampered.href, status: 403 });
      expect(await res.text()).not.toContain('secret export');
    }
  });

  it('refuses a validly signed path that leaves the emulator’s folder once decoded (..%2F), and writes nothing', async () => {
    const before = await filesUnder(root);
    for (const rawPath of [`/${BUCKET}/..%2F..%2Fescape.txt`, `/${BUCKET}/%2E%2E/%2E%2E/escape.txt`, `/${BUCKET}/a/..%2f..%2f..%2fescape.txt`, `/..%2F${BUCKET}/escape.txt`]) {
      const res = await putExactly((await presignRawPath('PUT', rawPath)).slice(door.url.length), 'outside');
      expect({ rawPath, status: res.status, code: /<Code>(\w+)<\/Code>/.exec(res.text)?.[1] }).toEqual({ rawPath, status: 400, code: 'InvalidArgument' });
    }
    expect(await filesUnder(root)).toEqual(before);
    expect(created.filter((k) => k.includes('escape'))).toEqual([]);
    // The same signing of an ordinary key works: the refusal is the path, not the signature.
    expect((await putExactly((await presignRawPath('PUT', `/${BUCKET}/accounts/a/fine.txt`)).slice(door.url.length), 'inside')).status).toBe(200);
  });
});

describe('the panel’s upload relay', () => {
  const platform = usePlatform();
  let other: http.Server;
  let reached = 0;
  beforeAll(async () => {
    other = http.createServer((_req, res) => { reached += 1; res.end('reached'); });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => other.close(() => resolve())));

  it('forwards to the local S3 front door only, never to another loopback port', async () => {
    const port = (other.address() as AddressInfo).port;
    const s3Port = new URL(platform().s3Url).port;
    for (const to of [
      `http://127.0.0.1:${port}/bucket/key?X-Amz-Signature=abc`,
      `http://localhost:${port}/bucket/key?X-Amz-Signature=abc`,
      `http://localhost:${s3Port}/bucket/key?X-Amz-Signature=abc`,
      `http://user@127.0.0.1:${s3Port}/bucket/key?X-Amz-Signature=abc`,
      `http://127.0.0.1:${s3Port}/bucket/key`,
    ]) {
      const res = await fetch(`${platform().apiUrl}/admin/upload?to=${encodeURIComponent(to)}`, { method: 'PUT', body: 'x', headers: { 'content-type': 'text/plain' } });
      expect({ to, status: res.status }).toEqual({ to, status: 403 });
    }
    expect(reached).toBe(0);
    // To the front door itself it is relayed, and the front door judges the signature.
    const res = await fetch(`${platform().apiUrl}/admin/upload?to=${encodeURIComponent(`${platform().s3Url}/bucket/key?X-Amz-Signature=abc`)}`, { method: 'PUT', body: 'x', headers: { 'content-type': 'text/plain' } });
    expect(res.status).toBe(403);
    expect(await res.text()).toMatch(/<Code>(AccessDenied|SignatureDoesNotMatch)<\/Code>/);
  });
});
