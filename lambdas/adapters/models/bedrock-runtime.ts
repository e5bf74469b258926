/**
 * The Amazon Bedrock runtime client the Bedrock adapters share: built once, on
 * first use (the SDK is loaded only then), in the function's own region with
 * the function's own role; no key exists. The SDK's retries are off: the chat
 * adapter never retries on its own, and the embedder retries by its own policy.
 * Also the translation of the service's errors into Parley's failure kinds.
 */
import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { ProviderCallFailed, type ProviderFailureKind } from '../../core/errors.ts';
import { redact } from '../../shared/logger.ts';
import { recordAwsCalls } from '../aws/call-log.ts';
import { loadBedrock, type BedrockSdk } from './provider-sdks.ts';

/** Where and as whom the runtime is called. */
export interface BedrockRuntimeOptions {
  readonly region: string;
  /** The operator's endpoint override (the fake Bedrock in tests). @default the region's own */
  readonly endpoint?: string | undefined;
  /** Static credentials (tests); absent, the function's role through the SDK's default chain. */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string } | undefined;
}

/** The client, built on the first call and shared by every later one. */
export type OpenBedrock = () => Promise<{ readonly sdk: BedrockSdk; readonly client: BedrockRuntimeClient }>;

export const createBedrockRuntime = (options: BedrockRuntimeOptions): OpenBedrock => {
  let opened: Promise<{ sdk: BedrockSdk; client: BedrockRuntimeClient }> | undefined;
  return () => (opened ??= loadBedrock().then((sdk) => ({
    sdk,
    client: recordAwsCalls(new sdk.BedrockRuntimeClient({
      region: options.region,
      maxAttempts: 1,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
    })),
  })).catch((error: unknown) => {
    opened = undefined;
    throw error;
  }));
};

interface ServiceErrorShape {
  readonly name?: unknown;
  readonly message?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: unknown };
}

/** The service's error types, by the kind each is to Parley. */
const KINDS: Readonly<Record<string, ProviderFailureKind>> = {
  AccessDeniedException: 'auth',
  UnrecognizedClientException: 'auth',
  ExpiredTokenException: 'auth',
  InvalidSignatureException: 'auth',
  ThrottlingException: 'rate_limited',
  ServiceQuotaExceededException: 'rate_limited',
  ValidationException: 'bad_request',
  ResourceNotFoundException: 'bad_request',
  ModelTimeoutException: 'timeout',
  ModelNotReadyException: 'unavailable',
  ModelErrorException: 'unavailable',
  ModelStreamErrorException: 'unavailable',
  InternalServerException: 'unavailable',
  ServiceUnavailableException: 'unavailable',
};

const REASONS: Readonly<Record<ProviderFailureKind, string>> = {
  auth: 'The provider refused the call: this deployment may not use this model (its role lacks the permission, or model access is not enabled).',
  rate_limited: 'The provider says this deployment is over its rate limit or quota for this model.',
  bad_request: 'The provider refused the request as invalid: check the model or inference profile.',
  timeout: 'The provider took too long to answer.',
  unavailable: 'The provider failed to answer. Try again in a minute.',
  blocked: 'The provider could not be reached.',
};

/** The Bedrock error's kind: by its type, else by its HTTP status; undefined for a failure that never reached the service. */
export const bedrockFailureKind = (error: unknown): ProviderFailureKind | undefined => {
  const e = (typeof error === 'object' && error !== null ? error : {}) as ServiceErrorShape;
  const byName = typeof e.name === 'string' ? KINDS[e.name] : undefined;
  if (byName) return byName;
  const status = e.$metadata?.httpStatusCode;
  if (typeof status !== 'number') return undefined;
  if (status === 401 || status === 403) return 'auth';
  if (status === 429) return 'rate_limited';
  if (status === 408) return 'timeout';
  return status < 500 ? 'bad_request' : 'unavailable';
};

/** Turns what the SDK threw into `ProviderCallFailed`, with the service's own words, short and redacted. */
export const describeBedrockFailure = (error: unknown): ProviderCallFailed => {
  if (error instanceof ProviderCallFailed) return error;
  const kind = bedrockFailureKind(error);
  if (!kind) {
    const name = (error as { name?: unknown } | null)?.name;
    return name === 'TimeoutError'
      ? new ProviderCallFailed('timeout', 'The provider took too long to answer.')
      : new ProviderCallFailed('unavailable', 'The provider could not be reached. Try again in a minute.');
  }
  const message = (error as ServiceErrorShape).message;
  const said = typeof message === 'string' && message ? ` The provider said: "${redact(message).slice(0, 200)}"` : '';
  return new ProviderCallFailed(kind, REASONS[kind] + said);
};
