/**
 * What the Lambda Node.js runtime gives a handler, for the local platform: the
 * `awslambda` global (response streaming) and a context object. Installed once,
 * before any handler module is imported, exactly as the runtime does.
 */
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import type { Writable } from 'node:stream';

const STREAMING = Symbol.for('parley.local.streamingHandler');

export interface ResponsePrelude {
  statusCode?: number;
  headers?: Record<string, string>;
  cookies?: string[];
}

/** A response stream that accepts the HTTP prelude before its first byte. */
export interface LocalResponseStream extends Writable {
  setPrelude(prelude: ResponsePrelude): void;
}

type StreamingHandler = (event: unknown, stream: LocalResponseStream, context: Context) => Promise<void>;

interface LambdaGlobals {
  streamifyResponse(fn: StreamingHandler): StreamingHandler;
  HttpResponseStream: { from(stream: LocalResponseStream, prelude: ResponsePrelude): LocalResponseStream };
}

export const installLambdaGlobals = (): void => {
  // Typed loosely: @types/aws-lambda declares the runtime's own global differently.
  const g = globalThis as unknown as { awslambda?: Partial<LambdaGlobals> };
  // The AWS SDK's invoke store may already have created the global with other members.
  const runtime = (g.awslambda ??= {});
  runtime.streamifyResponse ??= (fn) => Object.assign(fn, { [STREAMING]: true });
  runtime.HttpResponseStream ??= {
    from(stream, prelude) {
      stream.setPrelude(prelude);
      return stream;
    },
  };
};

export const isStreamingHandler = (fn: unknown): fn is StreamingHandler =>
  typeof fn === 'function' && (fn as unknown as Record<symbol, unknown>)[STREAMING] === true;

export const lambdaContext = (functionName: string, timeoutMs = 30_000): Context => {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};
