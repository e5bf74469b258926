/**
 * Local S3: the s3rver emulator behind a "front door" on loopback. The front door
 * does what S3 itself does and the emulator does not: it verifies SigV4 presigned
 * URLs (so the content type and size signed into an upload URL are enforced) and
 * emits ObjectCreated notifications, which the platform turns into ingest events.
 */
import http from 'node:http';
import S3rver from 's3rver';
import { LOCAL_S3_CREDENTIALS } from '../../lambdas/adapters/s3/object-store.ts';
import { listenOnLoopback, type Stoppable } from './loopback.ts';
import { isPresigned, verifyPresignedUrl } from './sigv4.ts';


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
const asEmulatorKey = (url: URL, headers: http.IncomingHttpHeaders): { path: string; headers: http.IncomingHttpHeaders } => {
  const credential = url.searchParams.get('X-Amz-Credential');
  if (credential) url.searchParams.set('X-Amz-Credential', credential.replace(/^[^/]*/, EMULATOR_KEY));
  const authorization = headers.authorization?.replace(/Credential=[^/]*/, `Credential=${EMULATOR_KEY}`);
  return { path: url.pathname + url.search, headers: { ...headers, ...(authorization ? { authorization } : {}) } };
};

const accessKeyOf = (url: URL, headers: http.IncomingHttpHeaders): string | undefined =>
  url.searchParams.get('X-Amz-Credential')?.split('/')[0] ?? /Credential=([^/,\s]+)\//.exec(headers.authorization ?? '')?.[1];

export const startS3FrontDoor = async (target: string, onObjectCreated: ObjectCreated, sessionSecret?: SessionSecret): Promise<Stoppable> => {
  const upstream = new URL(target);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
    const method = req.method ?? 'GET';
    const accessKey = accessKeyOf(url, req.headers);
    const secret = accessKey === undefined || accessKey === EMULATOR_KEY ? LOCAL_S3_CREDENTIALS.secretAccessKey : sessionSecret?.(accessKey);
    if (secret === undefined) {
      req.resume();
      xmlError(res, 403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.');
      return;
    }
    if (isPresigned(url)) {
      const check = verifyPresignedUrl(method, url, req.headers, secret);
      if (!check.ok) {
        // Refused before any byte is stored: the body is never forwarded.
        req.resume();
        xmlError(res, 403, check.code, check.message);
        return;
      }
    }
    const sent = accessKey === undefined || accessKey === EMULATOR_KEY ? { path: req.url, headers: req.headers } : asEmulatorKey(new URL(url), req.headers);
    const forward = http.request(
      { host: upstream.hostname, port: upstream.port, method, path: sent.path, headers: sent.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
        const [, bucket, ...keyParts] = url.pathname.split('/');
        const created = (up.statusCode ?? 500) < 300 && bucket && keyParts.length > 0 &&
          ((method === 'PUT' && !NOT_AN_OBJECT_WRITE.some((p) => url.searchParams.has(p))) ||
            (method === 'POST' && url.searchParams.has('uploadId')));
        if (created) {
          const key = keyParts.map(decodeURIComponent).join('/');
          up.on('end', () => onObjectCreated(bucket, key, Number(req.headers['content-length'] ?? 0)));
        }
      },
    );
    forward.on('error', () => xmlError(res, 502, 'ServiceUnavailable', 'The local S3 emulator is not answering.'));
    req.pipe(forward);
  });
  return listenOnLoopback(server);
};
