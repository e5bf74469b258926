/**
 * Streamed chat: the `chat-stream` function behind a Lambda function URL in
 * response-streaming mode, because API Gateway HTTP APIs buffer whole
 * responses. The URL is public (auth NONE) on purpose: callers are visitors'
 * browsers, and the handler itself checks the Origin against the bot's allowed
 * origins and the server-signed visitor token.
 */
import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { grantVisitorTokenKey } from './admin-and-widget-api.ts';
import { ParleyFunction } from './parley-function.ts';
import type { FunctionDefaults } from './parley-function.ts';
import type { Storage } from './storage.ts';

export interface ChatProps {
  /** Table (bots, index, conversations) and keys the function is granted. */
  readonly storage: Storage;
  /** Settings shared by the stack's functions. */
  readonly functions: FunctionDefaults;
  /**
   * Memory in MiB; a warm function keeps bots' packed vector codes in memory.
   * @default 1024
   */
  readonly memorySize?: number;
  /**
   * Longest one invocation may run: above the answer deadline (`MAX_ANSWER_MS`),
   * so an answer is always ended by Parley, with an error event, and never cut
   * by the end of the invocation.
   * @default CHAT_FUNCTION_TIMEOUT
   */
  readonly timeout?: Duration;
  /**
   * Answers streaming at once at most. Not reserved by default: model spend is
   * already bounded per account (budget reserved before a provider is called,
   * rate limits per visitor and address, the spend alarm), and a reservation
   * needs an account concurrency quota of at least 100 above it, which new
   * accounts may not have.
   * @default - no reservation
   */
  readonly reservedConcurrency?: number;
}

/** The chat function's timeout: the answer deadline (90 s) plus room for retrieval before it and the record after. */
export const CHAT_FUNCTION_TIMEOUT = Duration.minutes(3);

/**
 * CloudFront's origin read timeout for the chat origin: how long it waits for the
 * first byte and between two. 60 s is the most CloudFront allows without a quota
 * increase (default 30 s, up to 180 s on request). Above the provider idle timeout
 * (30 s) with room to spare, and six SSE heartbeats (10 s) long: see the timing
 * chain in `lambdas/core/limits.ts`.
 */
export const CHAT_ORIGIN_READ_TIMEOUT = Duration.seconds(60);

export class Chat extends Construct {
  readonly function: ParleyFunction;
  readonly functionUrl: lambda.FunctionUrl;
  /** What CloudFront's origin for this function must wait, at least, between two bytes. */
  readonly originReadTimeout = CHAT_ORIGIN_READ_TIMEOUT;

  constructor(scope: Construct, id: string, props: ChatProps) {
    super(scope, id);
    const { storage } = props;

    this.function = new ParleyFunction(this, 'Function', {
      handler: 'chat-stream',
      defaults: props.functions,
      description: 'Parley chat: retrieval and streamed answers for the widget',
      memorySize: props.memorySize ?? 1024,
      timeout: props.timeout ?? CHAT_FUNCTION_TIMEOUT,
      ...(props.reservedConcurrency !== undefined ? { reservedConcurrentExecutions: props.reservedConcurrency } : {}),
    });
    // Platform partitions with its own role; the bot, its index, conversations and the owner's
    // provider key through the tenant role. It checks visitor tokens.
    storage.grantPlatformData(this.function);
    grantVisitorTokenKey(storage, this.function);

    this.functionUrl = this.function.function.addFunctionUrl({
      authType: lambda.FunctionUrlAuthType.NONE,
      invokeMode: lambda.InvokeMode.RESPONSE_STREAM,
    });
  }
}
