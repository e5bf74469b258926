// Compute limits: ingest concurrency from the deploy parameter (the event source's maximum), no
// reserved concurrency unless the operator asks for it, and the memory sizes the README documents.
import { describe, expect, it } from 'vitest';
import { buildParleyApp, propertiesOf, resourcesOfType, templateOf } from './fixtures/parley-app.ts';

describe('compute', () => {
  it('runs at most ingestConcurrency ingest invocations (the event source maximum) and reserves nothing by default', () => {
    const parley = buildParleyApp({ context: { ingestConcurrency: '8' } });
    const template = templateOf(parley);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { ScalingConfig: { MaximumConcurrency: 8 } });
    // A new account's quota may be 10 and Lambda keeps 100 unreserved: any reservation would fail the deploy.
    const functions = Object.entries(resourcesOfType(template, 'AWS::Lambda::Function'));
    expect(functions.length).toBeGreaterThanOrEqual(5);
    for (const [id, fn] of functions) expect(fn.Properties, id).not.toHaveProperty('ReservedConcurrentExecutions');
  }, 60_000);

  it('reserves exactly what the reservedConcurrency parameter asks, per function', () => {
    const parley = buildParleyApp({ context: { reservedConcurrency: '{"ingest":6,"sweeper":1,"chat-stream":40}' } });
    const template = templateOf(parley);
    const { api, chat, ingest, sweeper } = parley.stack;
    const reserved = Object.fromEntries([api.adminFunction, api.widgetFunction, chat.function, ingest.function, sweeper.function]
      .map((fn) => [fn.handlerName, propertiesOf(template, fn.function).ReservedConcurrentExecutions]));
    expect(reserved).toEqual({ 'admin-api': undefined, 'widget-api': undefined, 'chat-stream': 40, ingest: 6, sweeper: 1 });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { ScalingConfig: { MaximumConcurrency: 5 } });
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
