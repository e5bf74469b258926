/**
 * The answer guard and markup filter measured (see guard-metrics.ts): share of
 * leaks cut, characters sent before a cut, honest answers cut or changed, markup
 * left unsafe, text held, cost; the guard before issue 20 as a baseline.
 * Each BEIR folder given adds its corpus passages as honest answers (false cuts).
 *
 *   npm run eval:guard [-- beir-folder ...]
 *   npm run eval:guard -- ../shared/data/squad-qa ../shared/data/scifact
 *
 * Prints the figures as JSON and keeps them in test/bench/results/guard.json.
 */
import path from 'node:path';
import { codeVersion, mergeResults, readJsonl, type CorpusDoc } from './beir-bot.ts';
import { measureGuard } from './guard-metrics.ts';

const folders = process.argv.slice(2);
const honestTexts: string[] = [];
for (const folder of folders) honestTexts.push(...(await readJsonl<CorpusDoc>(folder, 'corpus.jsonl')).map((d) => d.text));
const started = performance.now();
const figures = measureGuard({ honestTexts });
const result = {
  command: `npm run eval:guard${folders.length ? ` -- ${folders.join(' ')}` : ''}`,
  code: codeVersion(),
  honestSources: ['test/fixtures/injection/obfuscate.ts HONEST_ANSWERS', ...folders.map((f) => `${path.basename(f)}/corpus.jsonl`)],
  seconds: Math.round((performance.now() - started) / 100) / 10,
  ...figures,
};
await mergeResults(path.join(import.meta.dirname, 'results', 'guard.json'), folders.length ? 'with data sets' : 'fixtures only', result);
console.log(JSON.stringify(result, null, 2));
