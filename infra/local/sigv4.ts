/**
 * SigV4 verification for the local S3 front door: the emulator checks no
 * signature, but S3 does, and Parley relies on it (presigned uploads bind
 * content type and size; nothing unsigned may read or write an account's
 * objects). Follows the AWS SigV4 specification, both ways of signing: the
 * `Authorization` header (SDK calls) and the query string (presigned URLs).
 * The canonical URI is the path exactly as sent: S3 neither normalises nor
 * re-encodes it, and the front door forwards that same path.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data, 'utf8').digest();

/** RFC 3986 encoding as SigV4 wants it. */
const encode = (s: string): string =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export type SigV4Check = { ok: true } | { ok: false; code: 'SignatureDoesNotMatch' | 'AccessDenied'; message: string };

/** S3 refuses a header-signed request whose x-amz-date is further than this from its clock. */
const MAX_SKEW_MS = 15 * 60 * 1000;

const MISMATCH: SigV4Check = { ok: false, code: 'SignatureDoesNotMatch', message: 'The request signature we calculated does not match the signature you provided.' };

export const isPresigned = (url: URL): boolean => url.searchParams.get('X-Amz-Algorithm') === 'AWS4-HMAC-SHA256';

/** The access key a request is signed with (header or query), if it is signed at all. */
export const accessKeyOf = (url: URL, headers: IncomingHttpHeaders): string | undefined =>
  url.searchParams.get('X-Amz-Credential')?.split('/')[0] ?? /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\//.exec(headers.authorization ?? '')?.[1];

const parseAmzDate = (amzDate: string): number | undefined => {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : undefined;
};

const headerValue = (headers: IncomingHttpHeaders, name: string): string => {
  const v = headers[name];
  return (Array.isArray(v) ? v.join(',') : (v ?? '')).trim().replace(/\s+/g, ' ');
};

interface Signed {
  readonly method: string;
  readonly rawPath: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly signedHeaders: string[];
  readonly payloadHash: string;
  readonly amzDate: string;
  readonly scope: string[];
  readonly signature: string;
}

const checkSignature = (s: Signed, secretAccessKey: string): SigV4Check => {
  const [, date, region, service, terminator] = s.scope;
  if (!date || !region || !service || terminator !== 'aws4_request' || !s.signedHeaders.includes('host') || !s.amzDate.startsWith(date)) {
    return { ok: false, code: 'AccessDenied', message: 'Malformed signature' };
  }
  const canonicalQuery = [...s.query.entries()]
    .filter(([k]) => k !== 'X-Amz-Signature')
    .map(([k, v]) => [encode(k), encode(v)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonicalHeaders = s.signedHeaders.map((h) => `${h}:${headerValue(s.headers, h)}\n`).join('');
  const canonicalRequest = [s.method, s.rawPath, canonicalQuery, canonicalHeaders, s.signedHeaders.join(';'), s.payloadHash].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', s.amzDate, scope, createHash('sha256').update(canonicalRequest).digest('hex')].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, date), region), service), 'aws4_request');
  const expected = hmac(key, stringToSign);
  const given = /^[0-9a-f]{64}$/.test(s.signature) ? Buffer.from(s.signature, 'hex') : Buffer.alloc(0);
  return given.length === expected.length && timingSafeEqual(given, expected) ? { ok: true } : MISMATCH;
};

const splitUrl = (rawUrl: string): { rawPath: string; query: URLSearchParams } => {
  const at = rawUrl.indexOf('?');
  return { rawPath: at < 0 ? rawUrl : rawUrl.slice(0, at), query: new URLSearchParams(at < 0 ? '' : rawUrl.slice(at + 1)) };
};

/**
 * Checks a request signed either way. `rawUrl` is the request target as received
 * (path and query, undecoded). A request with no signature is refused.
 */
export const verifySignedRequest = (
  method: string,
  rawUrl: string,
  headers: IncomingHttpHeaders,
  secretAccessKey: string,
  now: Date = new Date(),
): SigV4Check => {
  const { rawPath, query } = splitUrl(rawUrl);
  if (query.get('X-Amz-Algorithm') === 'AWS4-HMAC-SHA256') {
    const amzDate = query.get('X-Amz-Date') ?? '';
    const expires = Number(query.get('X-Amz-Expires'));
    const signedAt = parseAmzDate(amzDate);
    if (signedAt === undefined || !Number.isInteger(expires) || expires < 1 || expires > 604_800) {
      return { ok: false, code: 'AccessDenied', message: 'Malformed presigned URL' };
    }
    if (now.getTime() > signedAt + expires * 1000) return { ok: false, code: 'AccessDenied', message: 'Request has expired' };
    return checkSignature({
      method, rawPath, query, headers, amzDate, payloadHash: 'UNSIGNED-PAYLOAD',
      signedHeaders: (query.get('X-Amz-SignedHeaders') ?? '').split(';').filter(Boolean),
      scope: (query.get('X-Amz-Credential') ?? '').split('/'),
      signature: query.get('X-Amz-Signature') ?? '',
    }, secretAccessKey);
  }
  const auth = /^AWS4-HMAC-SHA256 Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]+)$/.exec(headerValue(headers, 'authorization'));
  if (!auth) return { ok: false, code: 'AccessDenied', message: 'Only requests signed with AWS Signature Version 4 are accepted.' };
  const amzDate = headerValue(headers, 'x-amz-date');
  const signedAt = parseAmzDate(amzDate);
  const payloadHash = headerValue(headers, 'x-amz-content-sha256');
  const signedHeaders = auth[2]!.split(';');
  if (signedAt === undefined || !payloadHash || !signedHeaders.includes('x-amz-date') || !signedHeaders.includes('x-amz-content-sha256')) {
    return { ok: false, code: 'AccessDenied', message: 'Malformed signature' };
  }
  if (Math.abs(now.getTime() - signedAt) > MAX_SKEW_MS) {
    return { ok: false, code: 'AccessDenied', message: 'The difference between the request time and the current time is too large.' };
  }
  return checkSignature({ method, rawPath, query, headers, amzDate, payloadHash, signedHeaders, scope: auth[1]!.split('/'), signature: auth[3]! }, secretAccessKey);
};

/** A presigned URL's check (the URL as the SDK presigned it). */
export const verifyPresignedUrl = (method: string, url: URL, headers: IncomingHttpHeaders, secretAccessKey: string, now: Date = new Date()): SigV4Check =>
  isPresigned(url) ? verifySignedRequest(method, url.pathname + url.search, headers, secretAccessKey, now) : { ok: false, code: 'AccessDenied', message: 'Malformed presigned URL' };
