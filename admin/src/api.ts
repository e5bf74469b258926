/**
 * The admin API on the panel's own origin, with the bearer token of this tab's
 * session (refreshed first when it is about to expire). A 401 ends the session
 * and asks to sign in again, on the same page.
 */
import type { adminContracts } from '../../lambdas/contracts/admin.ts';
import { fillPath, type Caller, type RoutesOf } from '../../lambdas/contracts/contract.ts';
import { freshToken } from './auth.ts';
import { config } from './config.ts';
import { clearSession, readActingFor } from './session.ts';

/** An API refusal, with the server's plain-words message. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

let onExpired: () => void = () => undefined;

/** What to do when the session has expired (set once by the app). */
export const whenSessionExpires = (handler: () => void): void => {
  onExpired = handler;
};

const OFFLINE = 'Parley could not be reached. Check your connection and try again.';

/** Turns any failure into words for the owner. */
export const messageOf = (err: unknown): string =>
  err instanceof ApiError ? err.message : err instanceof TypeError ? OFFLINE : 'Something went wrong. Please try again.';

/**
 * One HTTP exchange with the panel's origin. Views call `api`, which the contracts
 * type; this is for the one path that is no API route (the local platform's sign-in).
 */
export const request = async <T>(method: string, path: string, body?: unknown, options: { token?: string } = {}): Promise<T> => {
  const token = options.token ?? (await freshToken());
  const account = readActingFor();
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        // The account this tab acts for; the server checks it against the person's memberships.
        ...(account ? { 'x-parley-account': account } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch {
    throw new ApiError(0, 'offline', OFFLINE);
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!res.ok) {
    const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
    if (res.status === 401 && !options.token) {
      clearSession();
      onExpired();
    }
    throw new ApiError(res.status, error?.code ?? 'error', error?.message ?? `The request failed (${res.status}).`);
  }
  return parsed as T;
};

/** Every admin route, as the contracts in lambdas/contracts declare them. */
type AdminRoute = RoutesOf<typeof adminContracts>;

/**
 * Calls an admin route by its contract's method and path template: the path
 * must be one the contracts declare for that method, and the parameters, body,
 * query and answer are typed from that route (`api('DELETE', '/v1/bots/{botId}',
 * { params: { botId } })`). Only types come from the contracts: nothing of the
 * server enters the panel's bundle but `fillPath`.
 */
export const api: Caller<AdminRoute> = (method, path, ...[input]) => {
  const given = (input ?? {}) as { params?: Record<string, string>; body?: unknown; query?: Record<string, string | number | boolean | undefined> };
  return request(method, fillPath(path, given.params, given.query), given.body);
};

/**
 * PUTs a file to a presigned URL with the headers it was signed with, reporting
 * progress. With `"uploads": "direct"` (AWS) the browser sends it straight to the
 * document store; with `"relay"` (the local platform) loopback URLs (the local S3
 * emulator, which sends no CORS headers) go through the same-origin relay.
 */
export const uploadFile = (
  url: string,
  headers: Record<string, string>,
  file: Blob,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<void> =>
  new Promise((resolve, reject) => {
    const target = new URL(url);
    const local = config().uploads === 'relay' && target.origin !== location.origin && ['127.0.0.1', 'localhost', '[::1]'].includes(target.hostname);
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', local ? `/admin/upload?to=${encodeURIComponent(url)}` : url);
    for (const [name, value] of Object.entries(headers)) {
      // The browser sets these itself.
      if (!['content-length', 'host'].includes(name.toLowerCase())) xhr.setRequestHeader(name, value);
    }
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        resolve();
      } else reject(new ApiError(xhr.status, 'upload_failed', xhr.status === 403 ? 'The upload link was refused or has expired. Please try again.' : `The upload failed (${xhr.status}). Please try again.`));
    };
    xhr.onerror = () => reject(new ApiError(0, 'offline', OFFLINE));
    xhr.onabort = () => reject(new ApiError(0, 'aborted', 'Upload cancelled.'));
    signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(file);
  });
