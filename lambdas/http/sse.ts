/** Server-sent events: one `event:`/`data:` record per item, JSON data on one line. */
import { Readable } from 'node:stream';

export const sseRecord = (event: string, data: unknown): string => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

/**
 * A readable stream of SSE records from an async iterable of `{type, ...}` events.
 * A failure while streaming becomes a final `error` record; a reader who went away
 * (the stream destroyed under us) is not a failure and is not reported.
 */
export const toSseStream = <E extends { type: string }>(events: AsyncIterable<E>, onError: (err: unknown) => { code: string; message: string }): Readable => {
  const state = { stream: undefined as Readable | undefined };
  state.stream = Readable.from((async function* () {
    try {
      for await (const { type, ...data } of events) yield sseRecord(type, data);
    } catch (err) {
      if (!state.stream?.destroyed) yield sseRecord('error', onError(err));
    }
  })());
  return state.stream;
};
