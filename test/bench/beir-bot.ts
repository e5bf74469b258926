/**
 * A bot built from a BEIR-layout folder, for the quality evaluations: the local
 * platform, a new owner, and every `corpus.jsonl` document added as a text source
 * through the real pipeline (POST /v1/bots/{botId}/sources → S3 → ingest queue →
 * ingest handler → DynamoDB Local), a batch at a time.
 *
 * With `embedder: 'bedrock'` the bot embeds through the whole Amazon Bedrock path
 * (the real SDK, batching, retries, `embeddedWith`) against the fake Bedrock on
 * loopback, whose deterministic vectors hash words: the figures then test the
 * path, not Titan's or Cohere's quality.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { embeddingSizesOf } from '../../lambdas/core/bedrock-models.ts';
import { MAX_DOCUMENT_NAME_CHARS } from '../../lambdas/core/limits.ts';
import { startPlatform, type Platform } from '../../infra/local/platform.ts';
import { newOwner, type Owner } from '../integration/fixtures/platform.ts';
import { startFakeBedrock, TITAN_EMBED_V2, type FakeBedrock } from '../fakes/bedrock-server.ts';

/** How the evaluated bot embeds: Parley's local embedder, or a Bedrock model served by the fake Bedrock. */
export type EvalEmbedder = { readonly kind: 'local' } | { readonly kind: 'bedrock'; readonly model: string };

/** `--embedder local|bedrock` and `--bedrock-model <id>` (Titan Text Embeddings V2 unless given). */
export const evalEmbedderOf = (embedder: string | undefined, model: string | undefined): EvalEmbedder => {
  if (embedder === undefined || embedder === 'local') {
    if (model !== undefined) throw new Error('--bedrock-model needs --embedder bedrock');
    return { kind: 'local' };
  }
  if (embedder !== 'bedrock') throw new Error(`--embedder must be local or bedrock, not ${embedder}`);
  return { kind: 'bedrock', model: model ?? TITAN_EMBED_V2 };
};

/** What the work learns of the fake Bedrock, when the bot embeds through it. */
export interface BedrockCalls {
  /** InvokeModel requests the fake answered so far. */
  readonly invokes: () => number;
}

export interface CorpusDoc { _id: string; title?: string; text: string }
export interface Query { _id: string; text: string }

/** One `{"_id", …}` object a line; a line without `_id` is an error naming the file and line. */
export const readJsonl = async <T extends { _id: string }>(folder: string, file: string): Promise<T[]> => {
  const text = await fs.readFile(path.join(folder, file), 'utf8');
  return text.split('\n').filter((l) => l.trim()).map((line, i) => {
    let row: T;
    try {
      row = JSON.parse(line) as T;
    } catch {
      throw new Error(`${file} line ${i + 1} is not JSON`);
    }
    if (typeof row._id !== 'string' || !row._id) throw new Error(`${file} line ${i + 1}: no "_id"`);
    return row;
  });
};

/** Runs `work` over `items` with at most `concurrency` in flight, in order of start. */
export const pool = async <T>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<void>): Promise<void> => {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      await work(items[i]!, i);
    }
  }));
};

/** A `--name` value that must be a positive integer. */
export const positiveInt = (name: string, value: string | undefined): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, not ${value}`);
  return n;
};

/** The code measured: the commit, and whether lambdas/ or infra/ had uncommitted changes. */
export const codeVersion = (): string => {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: import.meta.dirname, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = git('status', '--porcelain', '--', '../../lambdas', '../../infra') !== '';
    return `${git('rev-parse', '--short', 'HEAD')}${dirty ? ' + uncommitted changes' : ''}`;
  } catch {
    return 'unknown (not a git checkout)';
  }
};

/** Merges one data set's figures into a results file (a JSON object keyed by data set). */
export const mergeResults = async (file: string, dataset: string, figures: Record<string, unknown>): Promise<void> => {
  const existing = await fs.readFile(file, 'utf8').then((t) => JSON.parse(t) as Record<string, unknown>, (): Record<string, unknown> => ({}));
  existing[dataset] = { measuredAt: new Date().toISOString(), machine: '2 cores; DynamoDB Local and the S3 emulator on loopback', ...figures };
  await fs.writeFile(file, `${JSON.stringify(existing, null, 2)}\n`);
};

/** The source a corpus document becomes: titled by its title (or id), the title heading its text. */
export const sourceOf = (doc: CorpusDoc) => {
  const title = doc.title?.trim() ?? '';
  const max = MAX_DOCUMENT_NAME_CHARS - 4;
  const name = (title || doc._id).replace(/\s+/g, ' ');
  return {
    kind: 'text' as const,
    title: name.length > max ? `${name.slice(0, max - 1).trimEnd()}…` : name,
    text: title ? `${title}\n\n${doc.text}` : doc.text,
  };
};

export interface IngestedCorpus {
  /** Parley's document id → the corpus `_id`. */
  readonly corpusIdOf: ReadonlyMap<string, string>;
  readonly ingestMs: number;
  /** The embedding model(s) the documents record. */
  readonly embedder: string;
  readonly chunks: number;
}

/** Adds every document as a text source, `concurrency` at a time, each batch ingested before the next; throws unless all are ready. */
export const ingestCorpus = async (
  platform: Platform,
  owner: Owner,
  corpus: readonly CorpusDoc[],
  concurrency: number,
  log: (message: string) => void,
): Promise<IngestedCorpus> => {
  const corpusIdOf = new Map<string, string>();
  const started = performance.now();
  for (let from = 0; from < corpus.length; from += concurrency) {
    const batch = corpus.slice(from, from + concurrency);
    await Promise.all(batch.map(async (doc) => {
      const res = await owner.request<{ document: { docId: string } }>('POST', `/v1/bots/${owner.botId}/sources`, sourceOf(doc));
      if (res.status !== 201) throw new Error(`adding corpus document ${doc._id}: ${res.status} ${res.text}`);
      corpusIdOf.set(res.body.document.docId, doc._id);
    }));
    await platform.ingest.idle();
    const done = from + batch.length;
    if (done === corpus.length || Math.floor(done / 500) > Math.floor(from / 500)) {
      const elapsed = (performance.now() - started) / 1000;
      log(`ingested ${done}/${corpus.length} documents in ${elapsed.toFixed(1)} s (${(done / elapsed).toFixed(1)} docs/s)`);
    }
  }
  const ingestMs = performance.now() - started;

  const listed = await owner.request<{ documents: Array<{ docId: string; status: string; error?: string; chunkCount: number; embeddedWith?: string }> }>('GET', `/v1/bots/${owner.botId}/documents`);
  if (listed.status !== 200) throw new Error(`listing documents: ${listed.status} ${listed.text}`);
  const documents = listed.body.documents;
  const failures = documents.filter((d) => d.status !== 'ready');
  const listedIds = new Set(documents.map((d) => d.docId));
  const missing = [...corpusIdOf.keys()].filter((docId) => !listedIds.has(docId));
  if (failures.length || missing.length || platform.ingest.deadLetters.length) {
    for (const d of failures) log(`NOT READY ${corpusIdOf.get(d.docId) ?? d.docId}: ${d.status}${d.error ? ` — ${d.error}` : ''}`);
    for (const docId of missing) log(`MISSING ${corpusIdOf.get(docId)} (document ${docId} is not listed)`);
    for (const dl of platform.ingest.deadLetters) log(`DEAD LETTER ${dl.key} after ${dl.receiveCount} deliveries`);
    throw new Error(`${failures.length} of ${corpus.length} documents are not ready, ${missing.length} missing, ${platform.ingest.deadLetters.length} dead-lettered`);
  }
  // The model the index was built with, as each document records it.
  const embedder = [...new Set(documents.map((d) => d.embeddedWith ?? 'unrecorded'))].join(', ');
  return { corpusIdOf, ingestMs, embedder, chunks: documents.reduce((sum, d) => sum + d.chunkCount, 0) };
};

/**
 * Starts the local platform and a new owner with one bot, runs `work`, and stops
 * everything (on SIGINT/SIGTERM too), warning if DynamoDB Local outlives it.
 */
export const withBot = async <T>(
  log: (message: string) => void,
  work: (platform: Platform, owner: Owner, bedrock: BedrockCalls | undefined) => Promise<T>,
  embedder: EvalEmbedder = { kind: 'local' },
): Promise<T> => {
  const started = performance.now();
  const fake: FakeBedrock | undefined = embedder.kind === 'bedrock' ? await startFakeBedrock() : undefined;
  const platform = await startPlatform({
    logLevel: 'error',
    onError: (message, err) => log(`${message}: ${err instanceof Error ? err.message : String(err)}`),
    // Approved, the model is the bot's default embedder (or chosen below); the runtime is the fake's.
    ...(fake && embedder.kind === 'bedrock' ? { env: { PARLEY_BEDROCK_MODELS: embedder.model, PARLEY_BEDROCK_ENDPOINT: fake.url } } : {}),
  });
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= platform.stop().finally(() => fake?.close()));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping the platform`);
      void stop().finally(() => process.exit(130));
    });
  }
  try {
    log(`platform up in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const owner = await newOwner(platform);
    if (fake && embedder.kind === 'bedrock') {
      const dimensions = Math.max(...embeddingSizesOf(embedder.model));
      const res = await owner.request('PATCH', `/v1/bots/${owner.botId}`, { embedding: { provider: 'bedrock', model: embedder.model, dimensions } });
      if (res.status !== 200) throw new Error(`choosing ${embedder.model} for the bot: ${res.status} ${res.text}`);
      log(`the bot embeds with ${embedder.model} at ${dimensions} dimensions, through the fake Bedrock at ${fake.url}`);
    }
    return await work(platform, owner, fake ? { invokes: () => fake.requests.filter((r) => r.endpoint === 'invoke').length } : undefined);
  } finally {
    await stop();
    const java = platform.javaPid;
    const alive = java !== undefined && (() => {
      try {
        process.kill(java, 0);
        return true;
      } catch {
        return false;
      }
    })();
    if (alive) log(`WARNING: DynamoDB Local (java ${java}) is still running after stop`);
    else log(`platform stopped${java !== undefined ? ` (DynamoDB Local, java ${java}, gone)` : ''}`);
  }
};
