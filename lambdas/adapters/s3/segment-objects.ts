/**
 * Index segments as S3 objects under `accounts/<accountId>/bots/<botId>/index/`:
 * written once whole, read by byte range (a cold query reads only some sections of
 * one), deleted whole. The prefix comes from the TenantContext, never from a caller.
 */
import type { TenantContext } from '../../core/tenancy.ts';
import { deleteMatching, fullKey, type S3ClientFor } from './object-store.ts';

const sdk = () => import('@aws-sdk/client-s3');

export interface SegmentObjects {
  put(tenant: TenantContext, path: string, bytes: Uint8Array): Promise<void>;
  /** Bytes `[offset, offset + length)` of an object; throws when it is missing or shorter. */
  getRange(tenant: TenantContext, path: string, offset: number, length: number): Promise<Uint8Array>;
  /** Deletes every object (and version) under `path`. */
  deletePrefix(tenant: TenantContext, path: string): Promise<void>;
}

export const createSegmentObjects = (s3For: S3ClientFor, bucket: string): SegmentObjects => ({
  async put(tenant, path, bytes) {
    const [{ PutObjectCommand }, s3] = await Promise.all([sdk(), s3For(tenant)]);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: fullKey(tenant, path), Body: bytes, ContentType: 'application/octet-stream' }));
  },

  async getRange(tenant, path, offset, length) {
    if (length === 0) return new Uint8Array();
    const [{ GetObjectCommand }, s3] = await Promise.all([sdk(), s3For(tenant)]);
    let out;
    try {
      out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: fullKey(tenant, path), Range: `bytes=${offset}-${offset + length - 1}` }));
    } catch (err) {
      if ((err as { name?: string }).name === 'NoSuchKey') throw new Error(`index object ${path} is missing`, { cause: err });
      throw err;
    }
    const bytes = out.Body ? await out.Body.transformToByteArray() : new Uint8Array();
    if (bytes.byteLength !== length) throw new Error(`index object ${path}: ${bytes.byteLength} of the ${length} bytes asked at ${offset}`);
    return bytes;
  },

  deletePrefix: async (tenant, path) => deleteMatching(await s3For(tenant), bucket, fullKey(tenant, path), () => true),
});
