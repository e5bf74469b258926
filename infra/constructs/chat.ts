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
import { grantVisitorTokenKey } from './admin-api.ts';
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
   * Longest one answer may stream.
   * @default Duration.minutes(2)
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

export class Chat extends Construct {
  readonly function: ParleyFunction;
  readonly functionUrl: lambda.FunctionUrl;

  constructor(scope: Construct, id: string, props: ChatProps) {
    super(scope, id);
    const { storage } = props;

    this.function = new ParleyFunction(this, 'Function', {
      handler: 'chat-stream',
      defaults: props.functions,
      description: 'Parley chat: retrieval and streamed answers for the widget',
      memorySize: props.memorySize ?? 1024,
      timeout: props.timeout ?? Duration.minutes(2),
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
