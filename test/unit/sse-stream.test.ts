// The chat stream's SSE framing: records in order, heartbeat comments only while an
// event is awaited, a failure as a last `error` record, and a reader who leaves
// stopping the work behind the stream.
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { SSE_HEARTBEAT, toSseStream } from '../../lambdas/http/sse.ts';

type Event = { type: string; n?: number };
const failed = () => ({ code: 'internal', message: 'The answer was interrupted.' });

/** Events with a pause before each. */
async function* paced(pausesMs: readonly number[]): AsyncGenerator<Event> {
  for (const [n, ms] of pausesMs.entries()) {
    await sleep(ms);
    yield { type: 'delta', n };
  }
  yield { type: 'done' };
}

/** Everything the stream says, as text, read the way middy reads it (piped into a writable). */
const readAll = async (stream: NodeJS.ReadableStream): Promise<string> => {
  let text = '';
  await pipeline(stream, new Writable({ write(chunk: Buffer, _enc, done) { text += chunk.toString('utf8'); done(); } }));
  return text;
};

describe('the SSE stream', () => {
  it('sends each event as one record, in order, and ends', async () => {
    const text = await readAll(toSseStream(paced([0, 0, 0]), { heartbeatMs: 1_000, onError: failed }));
    expect(text).toBe([0, 1, 2].map((n) => `event: delta\ndata: {"n":${n}}\n\n`).join('') + 'event: done\ndata: {}\n\n');
  });

  it('sends a comment each time the next event is awaited longer than the heartbeat, and none while events flow', async () => {
    const text = await readAll(toSseStream(paced([0, 260, 0, 0]), { heartbeatMs: 100, onError: failed }));
    const parts = text.split('\n\n').filter(Boolean).map((p) => (p.startsWith(':') ? 'beat' : /"n":(\d)/.exec(p)?.[1] ?? 'done'));
    // Two beats on time; timers late under load may make it one or three, but only in that wait.
    expect(parts.join(' ')).toMatch(/^0 (beat ){1,3}1 2 3 done$/);
    expect(text).toContain(SSE_HEARTBEAT);
  });

  it('ends a failing stream with an error record, after what came before', async () => {
    async function* failing(): AsyncGenerator<Event> {
      yield { type: 'delta', n: 1 };
      throw new Error('table unavailable');
    }
    const text = await readAll(toSseStream(failing(), { heartbeatMs: 1_000, onError: failed }));
    expect(text).toBe('event: delta\ndata: {"n":1}\n\nevent: error\ndata: {"code":"internal","message":"The answer was interrupted."}\n\n');
  });

  it('aborts the work, lets the events run their clean-up and beats no more when the reader goes away', async () => {
    const cancel = new AbortController();
    const seen = { cleanedUp: false, beatsAfterClose: 0 };
    async function* thinking(): AsyncGenerator<Event> {
      try {
        yield { type: 'sources' };
        await new Promise((resolve) => cancel.signal.addEventListener('abort', resolve, { once: true }));
        yield { type: 'delta', n: 1 };
      } finally {
        seen.cleanedUp = true;
      }
    }
    const stream = toSseStream(thinking(), { heartbeatMs: 20, cancel, onError: failed });
    const chunks: string[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
    await sleep(70);
    expect(chunks.filter((c) => c === SSE_HEARTBEAT).length).toBeGreaterThanOrEqual(2);
    stream.destroy();
    const before = chunks.length;
    await sleep(80);
    seen.beatsAfterClose = chunks.length - before;
    expect(cancel.signal.aborted).toBe(true);
    expect(seen).toEqual({ cleanedUp: true, beatsAfterClose: 0 });
    expect(chunks.join('')).not.toContain('event: error');
  });
});
