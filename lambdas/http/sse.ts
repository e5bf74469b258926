/** Server-sent events: one `event:`/`data:` record per item, JSON data on one line. */
import { Readable } from 'node:stream';

export const sseRecord = (event: string, data: unknown): string => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

/** An SSE comment: readers (EventSource, the widget's parser) skip it; proxies see bytes flowing. */
export const SSE_HEARTBEAT = ': keep-alive\n\n';

export interface SseStreamOptions {
  /** Turns a failure while streaming into the final `error` record's code and message. */
  readonly onError: (err: unknown) => { code: string; message: string };
  /**
   * After this long without a record, a comment goes out, so a proxy's read
   * timeout (CloudFront's origin read timeout) never sees a silent origin
   * while the model thinks. Restarted by every record.
   */
  readonly heartbeatMs: number;
  /** Aborted if the stream closes before its end (the reader went away), to stop the work behind it. */
  readonly cancel?: AbortController;
}

/**
 * A readable stream of SSE records from an async iterable of `{type, ...}` events,
 * with heartbeat comments while the next event is awaited. A failure while
 * streaming becomes a final `error` record; a reader who went away (the stream
 * destroyed under us) is not a failure and is not reported, but aborts `cancel`
 * and stops the heartbeat.
 */
export const toSseStream = <E extends { type: string }>(events: AsyncIterable<E>, options: SseStreamOptions): Readable => {
  const iterator = events[Symbol.asyncIterator]();
  let timer: NodeJS.Timeout | undefined;
  let pulling = false;
  let ended = false;

  const quiet = (): void => {
    clearTimeout(timer);
    timer = undefined;
  };
  const beatLater = (): void => {
    quiet();
    timer = setTimeout(() => {
      if (ended || stream.destroyed) return;
      stream.push(SSE_HEARTBEAT);
      beatLater();
    }, options.heartbeatMs);
  };
  const finish = (): void => {
    ended = true;
    quiet();
    stream.push(null);
  };

  /** Reads the next event into the stream; one at a time, asked for by `read()`. */
  const pull = async (): Promise<void> => {
    pulling = true;
    try {
      const step = await iterator.next();
      if (stream.destroyed) return;
      if (step.done) return finish();
      const { type, ...data } = step.value;
      beatLater();
      stream.push(sseRecord(type, data));
    } catch (err) {
      if (stream.destroyed) return;
      stream.push(sseRecord('error', options.onError(err)));
      finish();
    } finally {
      pulling = false;
    }
  };

  const stream: Readable = new Readable({
    read() {
      if (!pulling && !ended) void pull();
    },
    destroy(err, callback) {
      quiet();
      if (!ended) {
        ended = true;
        options.cancel?.abort();
        // Lets the generator run its `finally` (recording what was used) once its pending step settles.
        iterator.return?.().catch(() => undefined);
      }
      callback(err);
    },
  });
  beatLater();
  return stream;
};
