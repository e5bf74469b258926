import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const fixture = path.join(import.meta.dirname, 'fixtures/answer-eval');

const evalAnswers = (folder: string, results: string) =>
  run(process.execPath, ['test/bench/answer-eval.ts', folder, '--results', results, '--concurrency', '4'], { cwd: root, timeout: 150_000 });

describe('npm run eval:answers', () => {
  it('ingests a tiny folder, asks every question through the widget chat route and prints the figures as its last line', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'answer-eval-'));
    const results = path.join(dir, 'answers.json');
    const { stdout } = await evalAnswers(fixture, results);
    const figures = JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
    expect(figures).toMatchObject({
      dataset: 'answer-eval', questions: 4, answerable: 2, answered_with_gold: 1, cited_gold: 1, declined_answerable: 0, declined_out_of_scope: 1,
    });
    expect(figures.mean_answer_words).toBeGreaterThan(3);
    expect(typeof figures.declined_unanswerable).toBe('number');
    const saved = JSON.parse(await fs.readFile(results, 'utf8')) as Record<string, { examples: { answerable: Array<{ question: string; answer: string }> } }>;
    expect(saved['answer-eval']!.examples.answerable.map((e) => e.question)).toContain('When does the bakery open in the morning?');
    expect(saved['answer-eval']!.examples.answerable.find((e) => e.question.startsWith('When'))!.answer).toMatch(/seven in the morning/);
    await fs.rm(dir, { recursive: true });
  }, 180_000);

  it('refuses a folder whose answer key names a question it does not have, saying which line', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'answer-eval-bad-'));
    await fs.cp(fixture, dir, { recursive: true });
    await fs.appendFile(path.join(dir, 'answers.jsonl'), '{"_id": "q9", "answers": [], "kind": "out-of-scope"}\n');
    const failure = await evalAnswers(dir, path.join(dir, 'answers.json')).then(() => null, (err: { code: number; stderr: string }) => err);
    expect(failure?.code).not.toBe(0);
    expect(failure?.stderr).toMatch(/answers\.jsonl line 5: question q9 is not in queries\.jsonl/);
    await fs.rm(dir, { recursive: true });
  }, 60_000);
});
