/**
 * Node's own streams under readable-stream 3's names (what it exports itself
 * when READABLE_STREAM=disable). The AWS Encryption SDK and duplexify import
 * readable-stream, a copy of Node's streams for browsers and old Node versions;
 * on Node.js 24 the built-in module has the same API and is already loaded, so
 * the Lambda bundles use it instead (infra/constructs/parley-function.ts).
 */
import Stream, { Duplex, finished, PassThrough, Readable, Transform, Writable } from 'node:stream';

const noop = (): void => {};

/** readable-stream's pipeline takes an optional callback (the Encryption SDK's encrypt stream passes none); Node's requires one. */
const pipeline = (...streams: unknown[]): unknown => {
  const args = typeof streams.at(-1) === 'function' ? streams : [...streams, noop];
  return (Stream.pipeline as (...a: unknown[]) => unknown)(...args);
};

export { Duplex, finished, PassThrough, pipeline, Readable, Stream, Transform, Writable };
