/**
 * Documents in S3 under `accounts/<accountId>/`: the prefix is added here from the
 * TenantContext, never taken from a caller.
 */
import type { ObjectIdentifier, S3Client } from '@aws-sdk/client-s3';
import type { ObjectStore } from '../../core/ports.ts';
import { keys, type TenantContext } from '../../core/tenancy.ts';

/** The emulator's fixed key pair (`infra/local/s3-local.ts`); `s3/client.ts` uses it with an endpoint override. */
export const LOCAL_S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/**
 * The S3 SDK's commands and presigner, loaded on first use (one shared promise):
 * a cold start that serves no document request does not load them.
 */
const loadSdk = () => Promise.all([import('@aws-sdk/client-s3'), import('@aws-sdk/s3-request-presigner')]);
let sdkLoad: ReturnType<typeof loadSdk> | undefined;
const sdk = () => (sdkLoad ??= loadSdk());

export class ObjectTooLarge extends Error {}

export const fullKey = (tenant: TenantContext, path: string): string => {
  if (path.startsWith('/') || path.split('/').some((part) => part === '..' || part === '.')) {
    throw new Error('object path must be relative and plain');
  }
  return keys.objectPrefix(tenant) + path;
};

/** The object tag the documents bucket's lifecycle rules read (see infra/constructs/storage.ts). */
export const RETENTION_TAG = 'parley-retention';

/** An account's S3 client: with the tenant role's credentials on AWS, limited to `accounts/<accountId>/`. */
export type S3ClientFor = (tenant: TenantContext) => S3Client | Promise<S3Client>;

export const createObjectStore = (s3For: S3ClientFor, bucket: string): ObjectStore => ({
  async presignPut(tenant, path, contentType, size, ttlSeconds) {
    const [{ PutObjectCommand }, { getSignedUrl }] = await sdk();
    const command = new PutObjectCommand({ Bucket: bucket, Key: fullKey(tenant, path), ContentType: contentType, ContentLength: size });
    // Content type and length are signed headers: S3 refuses an upload of any other type or size.
    const url = await getSignedUrl(await s3For(tenant), command, {
      expiresIn: ttlSeconds,
      signableHeaders: new Set(['content-type', 'content-length']),
    });
    return { url, headers: { 'content-type': contentType } };
  },

  async presignGet(tenant, path, ttlSeconds, downloadName) {
    const [{ GetObjectCommand }, { getSignedUrl }] = await sdk();
    const command = new GetObjectCommand({
      Bucket: bucket,
      Key: fullKey(tenant, path),
      // The browser saves it under this name rather than showing it.
      ResponseContentDisposition: `attachment; filename="${downloadName.replace(/[^\w.-]/g, '_')}"`,
    });
    return getSignedUrl(await s3For(tenant), command, { expiresIn: ttlSeconds });
  },

  async get(tenant, path, maxBytes) {
    const [{ GetObjectCommand }] = await sdk();
    const s3 = await s3For(tenant);
    try {
      const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: fullKey(tenant, path) }));
      if ((out.ContentLength ?? 0) > maxBytes) {
        out.Body?.transformToWebStream().cancel().catch(() => undefined);
        throw new ObjectTooLarge(`object is larger than ${maxBytes} bytes`);
      }
      return out.Body ? await out.Body.transformToByteArray() : new Uint8Array();
    } catch (err) {
      if ((err as { name?: string }).name === 'NoSuchKey') return null;
      throw err;
    }
  },

  async put(tenant, path, bytes, contentType, options) {
    const [{ PutObjectCommand }] = await sdk();
    await (await s3For(tenant)).send(new PutObjectCommand({
      Bucket: bucket,
      Key: fullKey(tenant, path),
      Body: bytes,
      ContentType: contentType,
      // The bucket's lifecycle rule for this tag deletes the object (and its versions) on time.
      ...(options?.retention ? { Tagging: `${RETENTION_TAG}=${options.retention}` } : {}),
    }));
  },

  delete: async (tenant, path) => deleteMatching(await s3For(tenant), bucket, fullKey(tenant, path), (key) => key === fullKey(tenant, path)),

  deletePrefix: async (tenant, path) => deleteMatching(await s3For(tenant), bucket, fullKey(tenant, path), () => true),
});

/**
 * Deletes every object (and every version, on a versioned bucket) under `prefix`
 * whose key passes `keep`. Emulators without versions fall back to a plain listing.
 */
export const deleteMatching = async (s3: S3Client, bucket: string, prefix: string, keep: (key: string) => boolean): Promise<void> => {
  const [{ DeleteObjectsCommand, ListObjectsV2Command, ListObjectVersionsCommand }] = await sdk();
  let versioned = true;
  let keyMarker: string | undefined;
  let versionMarker: string | undefined;
  let token: string | undefined;
  do {
    let batch: ObjectIdentifier[] = [];
    if (versioned) {
      try {
        const page = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: prefix, KeyMarker: keyMarker, VersionIdMarker: versionMarker }));
        batch = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].flatMap((v) =>
          v.Key && keep(v.Key) ? [{ Key: v.Key, ...(v.VersionId && v.VersionId !== 'null' ? { VersionId: v.VersionId } : {}) }] : []);
        keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
        versionMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
      } catch (err) {
        if (!['NotImplemented', 'MethodNotAllowed'].includes((err as { name?: string }).name ?? '')) throw err;
        versioned = false;
      }
    }
    if (!versioned) {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
      batch = (page.Contents ?? []).flatMap((o) => (o.Key && keep(o.Key) ? [{ Key: o.Key }] : []));
      token = page.NextContinuationToken;
    }
    if (batch.length > 0) await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch, Quiet: true } }));
  } while (keyMarker || token);
};
