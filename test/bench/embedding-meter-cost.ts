/**
 * What metering a question's embedding costs (written while the answer streams, awaited when it settles): `meter.recordEmbedding` (the usage row and the
 * day and month budget items, three updates in parallel) timed against DynamoDB Local on loopback, one call at a
 * time, beside `meter.recordUsage` (one update, already made after every answer) for scale.
 * Run: node test/bench/embedding-meter-cost.ts. Writes test/bench/results/embedding-meter.json.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { startPlatform } from '../../infra/local/platform.ts';
import { newId } from '../../lambdas/core/ids.ts';
import { tenantForSystem } from '../../lambdas/core/tenancy.ts';

const SAMPLES = 300;
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const round = (x: number) => Math.round(x * 100) / 100;

const platform = await startPlatform({ logLevel: 'error' });
try {
  const tenant = tenantForSystem(newId());
  const botId = newId();
  const time = async (call: () => Promise<void>) => {
    for (let i = 0; i < 20; i++) await call();
    const ms: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      const start = performance.now();
      await call();
      ms.push(performance.now() - start);
    }
    return { p50: round(percentile(ms, 50)), p95: round(percentile(ms, 95)) };
  };
  const recordEmbedding = await time(() => platform.deps.meter.recordEmbedding(tenant, botId, 'bedrock', { tokens: 9, costMicros: 1 }));
  const recordUsage = await time(() => platform.deps.meter.recordUsage(tenant, botId, 'bedrock', { inputTokens: 900, outputTokens: 90, costMicros: 500, answered: true }));
  const result = { samples: SAMPLES, at: new Date().toISOString(), recordEmbeddingMs: recordEmbedding, recordUsageMs: recordUsage };
  const file = path.resolve(import.meta.dirname, 'results/embedding-meter.json');
  await fs.writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result));
} finally {
  await platform.stop();
}
