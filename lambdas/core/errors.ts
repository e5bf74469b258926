/**
 * Domain errors. Core throws these; the HTTP layer turns them into
 * `{"error":{"code","message"}}` with the status. Anything else is a 500 whose
 * message never leaves the handler.
 */
import type { ProviderId } from './providers.ts';

export type ErrorCode =
  | 'invalid_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'internal'
  | 'unavailable';

const STATUS: Record<ErrorCode, number> = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
};

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** Extra fields safe to show the caller (for example which field was invalid). */
  readonly details: Readonly<Record<string, unknown>> | undefined;
  /** Sent as `Retry-After` (rate limits, budgets, pauses). */
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>, retryAfterSeconds?: number) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.status = STATUS[code];
    this.details = details;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** The one "not found": another account's resource answers exactly like a missing one. */
export const notFound = (what: string): AppError => new AppError('not_found', `${what} not found`);

export const invalid = (message: string, details?: Record<string, unknown>): AppError =>
  new AppError('invalid_request', message, details);

/**
 * A webhook's sealed URL and secret changed between reading and writing them (another member's edit landed
 * first): nothing was written. The repository throws it; core re-applies the edit or answers 409.
 */
export class StaleWebhookError extends Error {
  constructor() {
    super('The webhook changed since it was read.');
    this.name = 'StaleWebhookError';
  }
}

/** A document that cannot be used; `message` is shown to the owner as the reason. */
export class UnreadableDocument extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'UnreadableDocument';
  }
}

/** A provider refused the key it was called with (revoked, no credit, no permission). */
export class ProviderRefusedKey extends Error {
  readonly provider: ProviderId;
  constructor(provider: ProviderId, reason: string) {
    super(reason);
    this.name = 'ProviderRefusedKey';
    this.provider = provider;
  }
}

/** Sealed content whose account key is gone (erased account) or whose bytes were altered. */
export class ContentKeyUnavailable extends Error {
  constructor(message = 'The content key for this account is not available.') {
    super(message);
    this.name = 'ContentKeyUnavailable';
  }
}

/** Why a provider call failed, in kinds chat can explain to a visitor and an owner. */
export type ProviderFailureKind = 'auth' | 'rate_limited' | 'unavailable' | 'timeout' | 'bad_request' | 'blocked';

/**
 * A chat model call that failed: `kind` drives the visitor's message, `reason`
 * (redacted, never a key) is what the owner sees in their events.
 */
export class ProviderCallFailed extends Error {
  readonly kind: ProviderFailureKind;
  readonly retryAfterSeconds: number | undefined;
  constructor(kind: ProviderFailureKind, reason: string, retryAfterSeconds?: number) {
    super(reason);
    this.name = 'ProviderCallFailed';
    this.kind = kind;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
