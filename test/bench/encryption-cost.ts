/**
 * What sealing chunks under the account key costs retrieval reads: the same chunks
 * written and read through the real DynamoDB repository with the real content
 * cipher and with a pass-through cipher, cold (key not yet unwrapped) and warm.
 * Run: npm run bench:encryption. Writes test/bench/results/encryption.json.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { createContentCipher } from '../../lambdas/adapters/crypto/content-cipher.ts';
import { createKeyrings } from '../../lambdas/adapters/crypto/keyrings.ts';
import { createChunkRepository } from '../../lambdas/adapters/dynamo/chunk-repo.ts';
import { createDocumentClient } from '../../lambdas/adapters/dynamo/client.ts';
import { embedLocally } from '../../lambdas/adapters/models/local-embedder.ts';
import { newId } from '../../lambdas/core/ids.ts';
import type { Chunk } from '../../lambdas/core/records.ts';
import type { ContentCipher } from '../../lambdas/core/ports.ts';
import { tenantForSystem } from '../../lambdas/core/tenancy.ts';
import { startPlatform } from '../../infra/local/platform.ts';
import { createTables } from '../../lambdas/adapters/dynamo/tables.ts';

const CHUNKS = Number(process.env.CHUNKS ?? 2000);
const WARM_RUNS = 10;

const passThrough: ContentCipher = {
  seal: (_t, _p, b) => Promise.resolve(b),
  open: (_t, _p, b) => Promise.resolve(b),
  destroyAccountKey: () => Promise.resolve(),
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const time = async (fn: () => Promise<unknown>) => {
  const t = performance.now();
  await fn();
  return performance.now() - t;
};

const platform = await startPlatform({ logLevel: 'error' });
try {
  const db = createDocumentClient({ region: 'eu-west-1', endpoint: platform.dynamodbUrl });
  const keyFile = process.env.PARLEY_LOCAL_MASTER_KEY_FILE!;
  const keyrings = createKeyrings({ stage: 'local', localMasterKeyFile: keyFile });
  const text = 'Retrieval-augmented answers quote passages of about three hundred tokens. '.repeat(16);
  const chunks = (docId: string): Chunk[] => Array.from({ length: CHUNKS }, (_, seq) => ({
    docId, run: 'bench', seq, text: `${seq} ${text}`, section: 'Bench', start: 0, end: text.length, vector: embedLocally(`${seq} ${text}`, 512),
  }));

  const results: Record<string, number> = { chunks: CHUNKS };
  for (const [name, makeCipher] of [['plain', () => passThrough], ['sealed', () => createContentCipher(createTables({ base: db }), platform.keysTable, keyrings)]] as const) {
    const tenant = tenantForSystem(newId());
    const botId = newId();
    await createChunkRepository(createTables({ base: db }), platform.table, makeCipher()).put(tenant, botId, chunks(newId()));
    // Cold: a new function instance, no unwrapped account key in memory yet.
    const cold = createChunkRepository(createTables({ base: db }), platform.table, makeCipher());
    results[`${name}ColdMs`] = await time(() => cold.listForBot(tenant, botId));
    const warm: number[] = [];
    for (let i = 0; i < WARM_RUNS; i++) warm.push(await time(() => cold.listForBot(tenant, botId)));
    results[`${name}WarmMedianMs`] = median(warm);
  }
  // The crypto alone, without DynamoDB: opening every chunk with a warm key.
  const cipher = createContentCipher(createTables({ base: db }), platform.keysTable, keyrings);
  const tenant = tenantForSystem(newId());
  const sealed = await Promise.all(chunks('x').map(async (c) => cipher.seal(tenant, 'chunk', new Uint8Array(4 + c.text.length + 2048))));
  results.openAllWarmMs = await time(() => Promise.all(sealed.map((s) => cipher.open(tenant, 'chunk', s))));
  const fresh = createContentCipher(createTables({ base: db }), platform.keysTable, keyrings);
  results.keyUnwrapColdMs = await time(() => fresh.open(tenant, 'chunk', sealed[0]!));
  db.destroy();

  const rounded = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, Math.round(v * 10) / 10]));
  const out = { measuredAt: new Date().toISOString(), machine: '2 cores, DynamoDB Local', ...rounded };
  await fs.writeFile(path.join(import.meta.dirname, 'results/encryption.json'), `${JSON.stringify(out, null, 2)}\n`);
  console.log(JSON.stringify(out));
} finally {
  await platform.stop();
}
