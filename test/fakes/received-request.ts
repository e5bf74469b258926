/**
 * How the fake servers take in a request: watch its response to the end, then
 * read and parse the body. Shared by the fake provider (HTTP/1.1) and the fake
 * Bedrock (HTTP/2), whose request and response objects differ but both iterate
 * the body and emit `close`.
 */

/** How a request ended: answered in full, or the connection closed first (client abort, timeout, or server close). */
export type RequestOutcome = 'completed' | 'disconnected';

/** A request as a fake records it: its `outcome` is kept up to date. */
export interface Tracked { outcome: RequestOutcome | 'pending' }

export interface ReceivedRequest {
  /** The body parsed as JSON, the raw text if it is not JSON, or `undefined` if empty. */
  readonly body: unknown;
  /** Aborts when the connection closes, so paced answers stop at once. */
  readonly signal: AbortSignal;
  /** Resolves when the response has ended, with how it ended. */
  readonly outcome: Promise<RequestOutcome>;
  /** Keep `record.outcome` up to date from now on ('disconnected' at once if the client has already left); returns `record`. */
  track<T extends Tracked>(record: T): T;
}

/**
 * Take in one request. The close is watched before the body is read, so a client that
 * leaves early is still seen; `completed` tells, at close, whether the fake ended the
 * response itself. Until then the outcome is in `open`, so a fake's `close()` can wait for it.
 */
export async function receiveRequest(
  req: AsyncIterable<unknown>,
  res: { once(event: 'close', listener: () => void): unknown },
  options: { readonly open: Set<Promise<unknown>>; readonly completed: () => boolean },
): Promise<ReceivedRequest> {
  const closed = new AbortController();
  let tracked: Tracked | undefined;
  const outcome = new Promise<RequestOutcome>((resolve) => {
    res.once('close', () => {
      const result = options.completed() ? 'completed' : 'disconnected';
      if (tracked) tracked.outcome = result;
      closed.abort();
      options.open.delete(outcome);
      resolve(result);
    });
  });
  options.open.add(outcome);

  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  return {
    body: parseBody(raw),
    signal: closed.signal,
    outcome,
    track(record) {
      record.outcome = closed.signal.aborted ? 'disconnected' : 'pending';
      tracked = record;
      return record;
    },
  };
}

function parseBody(raw: string): unknown {
  if (raw === '') return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}
