/** Server-sent events: one `event:`/`data:` record per item, JSON data on one line. */
import { Readable } from 'node:stream';

export const sseRecord = (event: string, data: unknown): string => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

/** A readable stream of SSE records from an async iterable of `{type, ...}` events. */
export const toSseStream = <E extends { type: string }>(events: AsyncIterable<E>, onError: (err: unknown) => { code: string; message: string }): Readable =>
  Readable.from((async function* () {
    try {
      for await (const { type, ...data } of events) yield sseRecord(type, data);
    } catch (err) {
      yield sseRecord('error', onError(err));
    }
  })());
