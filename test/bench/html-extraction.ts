/**
 * Main-text extraction of web pages, measured against Mozilla Readability's
 * test pages (130 saved pages, each with the main content Readability's tests
 * expect; Apache-2.0): token precision, recall and F1 of Parley's HTML parser,
 * of Readability alone on a linkedom DOM, and of Parley's parser as it was
 * before issue 24 (the landmark extractor alone), with time per page.
 *
 * The expected texts are Readability's own output (made with JSDOM), so the
 * set favours Readability by construction: it shows how close Parley comes to
 * it and what the landmark extractor alone leaves in, not that either is right.
 *
 * Run: npm run bench:html -- [<readability checkout>] (default: the bare copy in
 * /work/.mirror/mozilla+readability/repo, read with git; a plain checkout works too).
 * Writes test/bench/results/html-extraction.json.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readability } from '@mozilla/readability';
import { parseHtml, parseHtmlByLandmarks } from '../../lambdas/adapters/parsers/html-parser.ts';
import { domOf, textOfHtml, tokenOverlap, type Overlap } from './text-overlap.ts';

const source = path.resolve(process.argv[2] ?? '/work/.mirror/mozilla+readability/repo');
if (!existsSync(source)) {
  console.error(`no Readability repository at ${source}: pass a checkout of mozilla/readability`);
  process.exit(2);
}
const bare = !existsSync(path.join(source, 'test/test-pages'));
const git = (...args: string[]) => execFileSync('git', ['-C', source, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
const pageNames = bare
  ? git('ls-tree', '--name-only', 'HEAD', 'test/test-pages/').trim().split('\n').map((p) => path.basename(p))
  : readdirSync(path.join(source, 'test/test-pages'));
const readPage = (name: string, file: string) =>
  bare ? git('show', `HEAD:test/test-pages/${name}/${file}`) : readFileSync(path.join(source, 'test/test-pages', name, file), 'utf8');
const commit = bare ? git('rev-parse', 'HEAD').trim() : undefined;


interface Row { name: string; bytes: number; parley: Overlap; readability: Overlap; landmarks: Overlap; parleyMs: number; readabilityMs: number; landmarksMs: number }
const rows: Row[] = [];
const time = async <T>(work: () => T | Promise<T>): Promise<[T, number]> => {
  const started = performance.now();
  const value = await work();
  return [value, performance.now() - started];
};

// Parley loads Readability and linkedom with the first web page: load them before timing.
await parseHtml('<p>warm-up</p>', 'warm-up.html');

for (const name of pageNames) {
  const html = readPage(name, 'source.html');
  const expected = textOfHtml(readPage(name, 'expected.html'));
  const [parley, parleyMs] = await time(async () => (await parseHtml(html, 'page.html')).text);
  // Readability's types name the DOM library's Document, which this project does not compile against.
  const [readability, readabilityMs] = await time(() => new Readability(domOf(html).document as never).parse()?.textContent ?? '');
  // The landmark extractor alone, as Parley read every page before issue 24.
  const [landmarks, landmarksMs] = await time(() => parseHtmlByLandmarks(html, 'page.html').text);
  rows.push({
    name, bytes: Buffer.byteLength(html), parleyMs, readabilityMs, landmarksMs,
    parley: tokenOverlap(parley, expected), readability: tokenOverlap(readability, expected), landmarks: tokenOverlap(landmarks, expected),
  });
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const round = (n: number, digits = 3) => Number(n.toFixed(digits));
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(p * values.length))]!;
const summary = (pick: (r: Row) => Overlap, ms: (r: Row) => number) => ({
  f1: round(mean(rows.map((r) => pick(r).f1))),
  precision: round(mean(rows.map((r) => pick(r).precision))),
  recall: round(mean(rows.map((r) => pick(r).recall))),
  pagesBelowF1_0_8: rows.filter((r) => pick(r).f1 < 0.8).length,
  msPerPageMean: round(mean(rows.map(ms)), 1),
  msPerPageP95: round(percentile(rows.map(ms), 0.95), 1),
});

const worst = [...rows].sort((a, b) => a.parley.f1 - b.parley.f1).slice(0, 10)
  .map((r) => ({ page: r.name, f1: round(r.parley.f1, 2), precision: round(r.parley.precision, 2), recall: round(r.parley.recall, 2), readabilityF1: round(r.readability.f1, 2), landmarksF1: round(r.landmarks.f1, 2) }));

const result = {
  command: 'npm run bench:html',
  measuredAt: new Date().toISOString(),
  node: process.version,
  pageSet: { name: 'mozilla/readability test/test-pages', commit, pages: rows.length, megabytes: round(rows.reduce((a, r) => a + r.bytes, 0) / 1e6, 1) },
  measure: 'token bag-of-words precision/recall/F1 against the text of expected.html, mean over pages (test/bench/text-overlap.ts)',
  caveat: 'expected.html is Readability\'s own output (JSDOM), so this set favours Readability by construction',
  parley: summary((r) => r.parley, (r) => r.parleyMs),
  readabilityAlone: summary((r) => r.readability, (r) => r.readabilityMs),
  landmarksOnlyAsBefore: summary((r) => r.landmarks, (r) => r.landmarksMs),
  peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  worstParleyPages: worst,
};
const out = path.resolve(import.meta.dirname, 'results/html-extraction.json');
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result));
