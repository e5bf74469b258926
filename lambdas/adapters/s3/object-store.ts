/**
 * Documents in S3 under `accounts/<accountId>/`: the prefix is added here from the
 * TenantContext, never taken from a caller.
 */
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutObjectCommand,
  S3Client,
  type ObjectIdentifier,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { ObjectStore } from '../../core/ports.ts';
import { keys, type TenantContext } from '../../core/tenancy.ts';
import { recordAwsCalls } from '../aws/call-log.ts';
import type { AwsCredentialIdentityProvider } from '../aws/tenant-credentials.ts';

export interface S3Options {
  readonly region: string;
  /** Endpoint override for the local S3 emulator (path-style, emulator credentials). */
  readonly endpoint?: string | undefined;
  /** Credentials other than the function's own (an account's tenant role). */
  readonly credentials?: AwsCredentialIdentityProvider | undefined;
}

export const LOCAL_S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

export const createS3Client = (opts: S3Options): S3Client =>
  recordAwsCalls(new S3Client({
    region: opts.region,
    // Checksums only where S3 requires them: the emulator cannot decode aws-chunked
    // uploads with trailing checksums, and presigned browser uploads carry none.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...(opts.endpoint ? { endpoint: opts.endpoint, forcePathStyle: true, credentials: LOCAL_S3_CREDENTIALS } : {}),
    ...(opts.credentials ? { credentials: opts.credentials } : {}),
  }));

export class ObjectTooLarge extends Error {}

const fullKey = (tenant: TenantContext, path: string): string => {
  if (path.startsWith('/') || path.split('/').some((part) => part === '..' || part === '.')) {
    throw new Error('object path must be relative and plain');
  }
  return keys.objectPrefix(tenant) + path;
};

/** The object tag the documents bucket's lifecycle rules read (see infra/constructs/storage.ts). */
export const RETENTION_TAG = 'parley-retention';

/** An account's S3 client: with the tenant role's credentials on AWS, limited to `accounts/<accountId>/`. */
export type S3ClientFor = (tenant: TenantContext) => S3Client;

export const createObjectStore = (s3For: S3ClientFor, bucket: string): ObjectStore => ({
  async presignPut(tenant, path, contentType, size, ttlSeconds) {
    const command = new PutObjectCommand({ Bucket: bucket, Key: fullKey(tenant, path), ContentType: contentType, ContentLength: size });
    // Content type and length are signed headers: S3 refuses an upload of any other type or size.
    const url = await getSignedUrl(s3For(tenant), command, {
      expiresIn: ttlSeconds,
      signableHeaders: new Set(['content-type', 'content-length']),
    });
    return { url, headers: { 'content-type': contentType } };
  },

  async presignGet(tenant, path, ttlSeconds, downloadName) {
    const command = new GetObjectCommand({
      Bucket: bucket,
      Key: fullKey(tenant, path),
      // The browser saves it under this name rather than showing it.
      ResponseContentDisposition: `attachment; filename="${downloadName.replace(/[^\w.-]/g, '_')}"`,
    });
    return getSignedUrl(s3For(tenant), command, { expiresIn: ttlSeconds });
  },

  async get(tenant, path, maxBytes) {
    try {
      const out = await s3For(tenant).send(new GetObjectCommand({ Bucket: bucket, Key: fullKey(tenant, path) }));
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
    await s3For(tenant).send(new PutObjectCommand({
      Bucket: bucket,
      Key: fullKey(tenant, path),
      Body: bytes,
      ContentType: contentType,
      // The bucket's lifecycle rule for this tag deletes the object (and its versions) on time.
      ...(options?.retention ? { Tagging: `${RETENTION_TAG}=${options.retention}` } : {}),
    }));
  },

  delete: (tenant, path) => deleteMatching(s3For(tenant), bucket, fullKey(tenant, path), (key) => key === fullKey(tenant, path)),

  deletePrefix: (tenant, path) => deleteMatching(s3For(tenant), bucket, fullKey(tenant, path), () => true),
});

/**
 * Deletes every object (and every version, on a versioned bucket) under `prefix`
 * whose key passes `keep`. Emulators without versions fall back to a plain listing.
 */
const deleteMatching = async (s3: S3Client, bucket: string, prefix: string, keep: (key: string) => boolean): Promise<void> => {
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
