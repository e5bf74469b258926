// `npm run eval:retrieval -- <folder> --embedder bedrock`: a small BEIR folder indexed and
// searched through the whole Amazon Bedrock embedding path (the real SDK against the fake
// Bedrock, batching, retries, embeddedWith), the figures its last line of output.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const fixture = path.join(import.meta.dirname, 'fixtures/answer-eval');

const evalRetrieval = (...args: string[]) =>
  // --limit: a smoke run, which leaves the results file alone.
  run(process.execPath, ['test/bench/retrieval-eval.ts', fixture, '--limit', '10', '--concurrency', '4', ...args], { cwd: root, timeout: 150_000 });

const figuresOf = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;

describe('npm run eval:retrieval through Amazon Bedrock', () => {
  it('indexes and searches the folder with Titan V2 through the fake Bedrock, and finds the judged documents', async () => {
    const { stdout } = await evalRetrieval('--embedder', 'bedrock');
    const figures = figuresOf(stdout);

    expect(figures).toMatchObject({ dataset: 'answer-eval', queries: 2, documents: 3, embedder: 'amazon.titan-embed-text-v2:0@1024', 'hit@5': 1 });
    // One InvokeModel a chunk (Titan takes one text a call), and one a question.
    expect(figures.bedrockInvokes).toBe((figures.chunks as number) + 2);
  }, 180_000);

  it('batches Cohere Embed v3 and records it, when asked for', async () => {
    const { stdout } = await evalRetrieval('--embedder', 'bedrock', '--bedrock-model', 'cohere.embed-multilingual-v3');
    const figures = figuresOf(stdout);

    expect(figures).toMatchObject({ queries: 2, embedder: 'cohere.embed-multilingual-v3@1024', 'hit@5': 1 });
    // Each document is one call of its chunks, whatever their number; then one call a question.
    expect(figures.bedrockInvokes).toBe((figures.documents as number) + 2);
  }, 180_000);
});
