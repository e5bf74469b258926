/**
 * What every `ChatModel` must do, whoever writes the answer (Parley's extractive
 * answerer, or a provider's adapter through its real SDK): one suite, run against
 * each implementation by its own test file, the way hono runs one router test
 * against every router (`src/router/common.case.test.ts`).
 *
 * The rules: it names its provider and model; it streams the answer as text
 * deltas, in order, then exactly one usage event, last; a caller's abort ends the
 * stream quietly (no error, no more text, no usage), before it starts or midway;
 * it answers a question it has nothing for without failing; every failure it can
 * have surfaces as `ProviderCallFailed` of the same kind whoever failed, in plain
 * words without the key; and where an implementation promises it, the same
 * request streams the same events.
 */
import { expect, it } from 'vitest';
import { ProviderCallFailed, type ProviderFailureKind } from '../../lambdas/core/errors.ts';
import type { ChatCallOptions, ChatModel, ChatModelEvent, ChatRequest } from '../../lambdas/core/ports.ts';
import { isProvider, LOCAL } from '../../lambdas/core/providers.ts';

/** A failure an implementation can be made to have, and the kind every implementation reports it as. */
export interface ArrangedFailure {
  readonly what: string;
  readonly kind: ProviderFailureKind;
  /** Sets the failure up for the next call; returns the options to call with (say, a short idle timeout). */
  arrange(): ChatCallOptions | void;
}

export interface ChatModelSubject {
  readonly name: string;
  /** The key the model is called with, which no reason may contain; none for Parley's own answerer. */
  readonly apiKey?: string;
  build(): ChatModel;
  /**
   * A request the next call answers with `reply` (said at `pace` ms a delta where the
   * implementation can be slowed), and the whole text it must stream for it.
   */
  answering(reply: string, pace?: number): { request: ChatRequest; text: string };
  /** Every failure it can have; empty for an implementation that cannot fail. */
  readonly failures: readonly ArrangedFailure[];
  /** Whether it promises the same events for the same request. */
  readonly deterministic: boolean;
  /** After a cancelled call: the implementation's own proof that the work stopped (a provider saw the request cancelled). */
  cancelled?(): Promise<void>;
}

/** Every event a stream yields, and what it threw (if anything); `onEvent` sees the events so far. */
export async function drain(model: ChatModel, request: ChatRequest, options: ChatCallOptions = {}, onEvent?: (events: ChatModelEvent[]) => void) {
  const events: ChatModelEvent[] = [];
  try {
    for await (const event of model.stream(request, options)) {
      events.push(event);
      onEvent?.(events);
    }
    return { events, error: undefined as unknown };
  } catch (error) {
    return { events, error };
  }
}

const texts = (events: readonly ChatModelEvent[]) => events.flatMap((e) => (e.type === 'text' ? [e.text] : []));
const REPLY = 'We open at nine on weekdays and at ten on Saturdays, and we close at six every day of the week.';

/** Registers the contract's tests for one implementation (call inside a `describe`). */
export function chatModelContract(subject: ChatModelSubject): void {
  it('names its provider and its model', () => {
    const model = subject.build();
    expect(model.provider === LOCAL || isProvider(model.provider)).toBe(true);
    expect(model.model).toMatch(/\S/);
  });

  it('streams the answer as text deltas in order, then exactly one usage event, last', async () => {
    const { request, text } = subject.answering(REPLY);

    const { events, error } = await drain(subject.build(), request);

    expect(error).toBeUndefined();
    expect(texts(events).length).toBeGreaterThan(1);
    expect(texts(events).join('')).toBe(text);
    expect(events.slice(0, -1).every((e) => e.type === 'text')).toBe(true);
    const usage = events.at(-1);
    expect(usage?.type).toBe('usage');
    if (usage?.type !== 'usage') return;
    for (const n of [usage.inputTokens, usage.outputTokens]) expect(Number.isInteger(n) && n >= 0).toBe(true);
    expect(usage.outputTokens).toBeGreaterThan(0);
  });

  it('ends quietly when the caller aborts midway: no error, no more text, no usage', async () => {
    const { request } = subject.answering(`${REPLY} ${REPLY}`, 40);
    const controller = new AbortController();

    const { events, error } = await drain(subject.build(), request, { signal: controller.signal }, (seen) => {
      if (seen.length === 2) controller.abort();
    });

    expect(error).toBeUndefined();
    expect(events).toHaveLength(2);
    expect(events.every((e) => e.type === 'text')).toBe(true);
    await subject.cancelled?.();
  });

  it('yields nothing, and fails not, when the caller aborted before it started', async () => {
    const { request } = subject.answering(REPLY);

    const { events, error } = await drain(subject.build(), request, { signal: AbortSignal.abort() });

    expect(error).toBeUndefined();
    expect(events).toEqual([]);
  });

  it('answers a question it has nothing for (no passages, no history) without failing', async () => {
    const bare: ChatRequest = { question: 'Do you sell croissants?', passages: [], system: 'Answer from the passages only.', messages: [{ role: 'user', content: 'Do you sell croissants?' }], maxOutputTokens: 50, temperature: 0 };

    const { events, error } = await drain(subject.build(), bare);

    expect(error).toBeUndefined();
    expect(texts(events).join('')).toMatch(/\S/);
    expect(events.at(-1)?.type).toBe('usage');
  });

  for (const failure of subject.failures) {
    it(`reports ${failure.what} as ProviderCallFailed '${failure.kind}', in plain words without the key`, async () => {
      const options = failure.arrange() ?? {};
      const { request } = subject.answering(REPLY);

      const { error } = await drain(subject.build(), request, options);

      expect(error).toBeInstanceOf(ProviderCallFailed);
      const failed = error as ProviderCallFailed;
      expect(failed.kind).toBe(failure.kind);
      expect(failed.message).toMatch(/^The provider /);
      if (subject.apiKey) expect(failed.message).not.toContain(subject.apiKey);
    });
  }

  if (subject.deterministic) {
    it('streams the same events for the same request, as it promises', async () => {
      const { request } = subject.answering(REPLY);
      const model = subject.build();

      const first = await drain(model, request);
      const second = await drain(model, request);

      expect(second.events).toEqual(first.events);
    });
  }
}
