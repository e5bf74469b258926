/**
 * The S3 client Parley makes. Kept apart from the object store so a function's
 * cold start does not load the S3 SDK: `aws/tenant-clients.ts` imports this
 * module on the first request that touches a document.
 */
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { recordAwsCalls } from '../aws/call-log.ts';
import type { AwsCredentialIdentityProvider } from '../aws/tenant-credentials.ts';
import { LOCAL_S3_CREDENTIALS } from './object-store.ts';

export interface S3Options {
  readonly region: string;
  /** Endpoint override for the local S3 emulator (path-style, emulator credentials). */
  readonly endpoint?: string | undefined;
  /** Credentials other than the function's own (an account's tenant role). */
  readonly credentials?: AwsCredentialIdentityProvider | undefined;
  /** Another client's request handler, to share its pool of kept-alive connections (see `aws/tenant-clients.ts`). */
  readonly connections?: S3ClientConfig['requestHandler'] | undefined;
}

export const createS3Client = (opts: S3Options): S3Client =>
  recordAwsCalls(new S3Client({
    region: opts.region,
    // Checksums only where S3 requires them: the emulator cannot decode aws-chunked
    // uploads with trailing checksums, and presigned browser uploads carry none.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...(opts.endpoint ? { endpoint: opts.endpoint, forcePathStyle: true, credentials: LOCAL_S3_CREDENTIALS } : {}),
    ...(opts.credentials ? { credentials: opts.credentials } : {}),
    ...(opts.connections ? { requestHandler: opts.connections } : {}),
  }));
