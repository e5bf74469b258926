// Compute limits: ingest concurrency from the deploy parameter (event source and reservation),
// one sweeper at a time, and the memory sizes the README documents.
import { describe, expect, it } from 'vitest';
import { buildParleyApp, propertiesOf, templateOf } from './fixtures/parley-app.ts';

describe('compute', () => {
  it('runs at most ingestConcurrency ingest invocations (event source maximum and reservation), and one sweeper', () => {
    const parley = buildParleyApp({ context: { ingestConcurrency: '8' } });
    const template = templateOf(parley);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { ScalingConfig: { MaximumConcurrency: 8 } });
    expect(propertiesOf(template, parley.stack.ingest.function.function).ReservedConcurrentExecutions).toBe(8);
    expect(propertiesOf(template, parley.stack.sweeper.function.function).ReservedConcurrentExecutions).toBe(1);
    // Chat is bounded by budgets, rate limits and the spend alarm, not a reservation (see chat.ts).
    expect(propertiesOf(template, parley.stack.chat.function.function)).not.toHaveProperty('ReservedConcurrentExecutions');
  }, 60_000);

  it('gives each function the memory the README documents, and traces every function', () => {
    const parley = buildParleyApp();
    const template = templateOf(parley);
    const { api, chat, ingest, sweeper } = parley.stack;
    const memory = Object.fromEntries([api.adminFunction, api.widgetFunction, chat.function, ingest.function, sweeper.function]
      .map((fn) => [fn.handlerName, propertiesOf(template, fn.function).MemorySize]));
    expect(memory).toEqual({ 'admin-api': 512, 'widget-api': 512, 'chat-stream': 1024, ingest: 2048, sweeper: 512 });
    for (const fn of [api.adminFunction, api.widgetFunction, chat.function, ingest.function, sweeper.function]) {
      expect(propertiesOf(template, fn.function).TracingConfig, fn.handlerName).toEqual({ Mode: 'Active' });
    }
  }, 60_000);
});
