/**
 * Local S3: the s3rver emulator behind a "front door" on loopback. The front door
 * does what S3 itself does and the emulator does not: it lets through only requests
 * signed with SigV4 by a key it knows (the SDK's Authorization header, or a presigned
 * URL, whose signed content type and size are thus enforced), refuses paths that
 * the emulator, decoding them, would read outside its folder, and emits
 * ObjectCreated notifications, which the platform turns into ingest events.
 */
import http from 'node:http';
import S3rver from 's3rver';
import { LOCAL_S3_CREDENTIALS } from '../../lambdas/adapters/s3/object-store.ts';
import { listenOnLoopback, type Stoppable } from './loopback.ts';
import { accessKeyOf, verifySignedRequest } from './sigv4.ts';


export const startS3rver = async (directory: string): Promise<Stoppable> => {
  const s3rver = new S3rver({ address: '127.0.0.1', port: 0, directory, silent: true });
  const address = await s3rver.run();
  return { url: `http://127.0.0.1:${address.port}`, stop: () => s3rver.close() };
};

export type ObjectCreated = (bucket: string, key: string, size: number) => void;

/** Sub-resources whose PUT does not create an object. */
const NOT_AN_OBJECT_WRITE = ['uploadId', 'partNumber', 'tagging', 'acl', 'cors', 'versioning', 'lifecycle', 'policy', 'website'];

const xmlError = (res: http.ServerResponse, status: number, code: string, message: string) => {
  res.writeHead(status, { 'content-type': 'application/xml', connection: 'close' });
  res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`);
};

/** The secret of a temporary access key (an STS session), or undefined for a key it does not know. */
export type SessionSecret = (accessKeyId: string) => string | undefined;

const EMULATOR_KEY = LOCAL_S3_CREDENTIALS.accessKeyId;

/**
 * The emulator knows one access key. Requests signed with an STS session's key
 * (functions on the tenant role) are checked here with that session's secret and
 * passed on under the emulator's key, which checks no SigV4 signature anyway.
 */
const asEmulatorKey = (rawUrl: string, headers: http.IncomingHttpHeaders): { path: string; headers: http.IncomingHttpHeaders } => {
  const at = rawUrl.indexOf('?');
  let path = rawUrl;
  if (at >= 0) {
    const query = new URLSearchParams(rawUrl.slice(at + 1));
    const credential = query.get('X-Amz-Credential');
    if (credential) query.set('X-Amz-Credential', credential.replace(/^[^/]*/, EMULATOR_KEY));
    path = `${rawUrl.slice(0, at)}?${query.toString()}`;
  }
  const authorization = headers.authorization?.replace(/Credential=[^/]*/, `Credential=${EMULATOR_KEY}`);
  return { path, headers: { ...headers, ...(authorization ? { authorization } : {}) } };
};

/** decodeURIComponent that gives the text back when it cannot decode it, as the emulator's router does. */
const safeDecode = (text: string): string => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};

/**
 * The bucket and key the emulator will read from a raw request path: its router takes the first
 * segment as the bucket and the rest as the key, each decoded once (so `..%2F` is `../`), and its
 * store joins the key's segments onto its folder. Undefined when that would leave the bucket's
 * folder (a `.` or `..` segment, a slash in the bucket) or name a NUL.
 */
export const emulatorTarget = (rawPath: string): { bucket: string; key: string } | undefined => {
  const [, bucketRaw = '', ...rest] = rawPath.split('/');
  const bucket = safeDecode(bucketRaw);
  const key = safeDecode(rest.join('/'));
  const unsafe = (part: string) => part === '.' || part === '..' || part.includes('\0');
  if (bucket.includes('/') || bucket.includes('\\') || unsafe(bucket) || key.split('/').some(unsafe)) return undefined;
  return { bucket, key };
};

export const startS3FrontDoor = async (target: string, onObjectCreated: ObjectCreated, sessionSecret?: SessionSecret): Promise<Stoppable> => {
  const upstream = new URL(target);
  const server = http.createServer((req, res) => {
    const rawUrl = req.url ?? '/';
    const url = new URL(rawUrl, 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const refuse = (status: number, code: string, message: string) => {
      // Refused before any byte is stored: the body is never forwarded.
      req.resume();
      xmlError(res, status, code, message);
    };
    const accessKey = accessKeyOf(url, req.headers);
    if (accessKey === undefined) return refuse(403, 'AccessDenied', 'Only requests signed with AWS Signature Version 4 are accepted.');
    const secret = accessKey === EMULATOR_KEY ? LOCAL_S3_CREDENTIALS.secretAccessKey : sessionSecret?.(accessKey);
    if (secret === undefined) return refuse(403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.');
    const check = verifySignedRequest(method, rawUrl, req.headers, secret);
    if (!check.ok) return refuse(403, check.code, check.message);
    const object = emulatorTarget(rawUrl.split('?')[0]!);
    if (!object) return refuse(400, 'InvalidArgument', 'The object key may not contain "." or ".." segments.');
    const sent = accessKey === EMULATOR_KEY ? { path: rawUrl, headers: req.headers } : asEmulatorKey(rawUrl, req.headers);
    const forward = http.request(
      { host: upstream.hostname, port: upstream.port, method, path: sent.path, headers: sent.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
        const { bucket, key } = object;
        const created = (up.statusCode ?? 500) < 300 && bucket && key &&
          ((method === 'PUT' && !NOT_AN_OBJECT_WRITE.some((p) => url.searchParams.has(p))) ||
            (method === 'POST' && url.searchParams.has('uploadId')));
        if (created) {
          up.on('end', () => onObjectCreated(bucket, key, Number(req.headers['content-length'] ?? 0)));
        }
      },
    );
    forward.on('error', () => xmlError(res, 502, 'ServiceUnavailable', 'The local S3 emulator is not answering.'));
    req.pipe(forward);
  });
  return listenOnLoopback(server);
};
