/**
 * Each Lambda handler as the stack deploys it: bundled by `cdk synth` (esbuild,
 * minified ES modules with source maps: `index.mjs` and the chunks it loads),
 * then loaded by a fresh Node.js 24 process with the stack's environment, as a
 * cold start does. Per handler it reports:
 * - `entryBytes`: `index.mjs` alone;
 * - `startupBytes` (and gzipped): `index.mjs` and every chunk it imports statically,
 *   i.e. what a cold start loads;
 * - `totalBytes`: every `.mjs` file of the bundle, lazily loaded chunks included;
 * - `moduleLoadMedianMs`: the median time to import `index.mjs`, of 5 cold loads,
 *   and `moduleLoadCpuMedianMs`, the CPU time that took (less swayed by whatever
 *   else the machine is running);
 * - `lazy`: each chunk the startup code loads with a dynamic `import()` (undici,
 *   the provider SDKs), named by the packages in it, with the bytes it adds and
 *   the median extra time to import it after `index.mjs`, in the same process:
 *   what the first call that needs it pays on top of the cold start.
 *
 * The bundles carry the AWS SDK (issue 17): they are synthesized into a
 * temporary folder with no `node_modules` in it or above it, and loaded from
 * there, so a bundle that needed a package from outside itself fails here.
 *
 * Target (issues 10 and 17): the chat handler's module load ≤ 150 ms here.
 * Run: npm run bench:bundles. Writes test/bench/results/bundles.json.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import fs from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { barePackages, bytesOf, readBundle, staticClosure } from '../infra/fixtures/bundle-graph.ts';
import { awslambdaStub, coldStartEnv } from '../infra/fixtures/cold-start.ts';
import { assertNoNodeModulesAbove, synthesizeBundles } from '../infra/fixtures/synthesized-bundles.ts';

const RUNS = 5;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (ms: number) => Math.round(ms * 10) / 10;

/** The packages most of a chunk's sources come from (from its source maps), for a readable name. */
const packagesIn = (files: Iterable<string>): string => {
  const counts = new Map<string, number>();
  for (const file of files) {
    const map = `${file}.map`;
    if (!existsSync(map)) continue;
    for (const source of (JSON.parse(readFileSync(map, 'utf8')) as { sources: string[] }).sources) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules\/)/.exec(source);
      const name = match ? match[1]! : 'parley';
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
  }
  return [...counts].sort((a, b) => b[1] - a[1]).slice(0, 2).map(([name]) => name).join('+') || 'unknown';
};

const outdir = mkdtempSync(path.join(tmpdir(), 'parley-bundles-'));
try {
  assertNoNodeModulesAbove(outdir);
  const { bundles } = synthesizeBundles(outdir);
  const results: Record<string, unknown> = {
    date: new Date().toISOString().slice(0, 10),
    machine: '2 cores, Node.js 24',
    runs: RUNS,
    awsSdk: 'bundled (versions from package-lock.json); loaded from a folder with no node_modules',
    // Other work on the machine slows the loads down: times measured at a load well above the core count mislead.
    loadAverageAtStart: round(loadavg()[0]!),
  };
  for (const [handlerName, { dir }] of bundles) {
    const entry = path.join(dir, 'index.mjs');
    const graph = await readBundle(dir);
    const outside = barePackages(graph);
    if (outside.size > 0) throw new Error(`${handlerName}: the bundle imports ${[...outside.keys()].join(', ')} from outside itself (${[...outside.values()][0]})`);

    const startup = staticClosure(graph, [entry]);
    const lazyRoots = [...new Set([...startup].flatMap((f) => graph.get(f)!.dynamicImports))].filter((f) => !startup.has(f)).sort();
    const lazy = lazyRoots.map((file) => {
      const added = [...staticClosure(graph, [file])].filter((f) => !startup.has(f));
      return { file, name: packagesIn(added), bytes: bytesOf(graph, added) };
    });

    const env = coldStartEnv(handlerName);
    const loads: number[] = [];
    const loadCpu: number[] = [];
    const lazyLoads: number[][] = lazy.map(() => []);
    for (let i = 0; i < RUNS; i++) {
      const script = `${awslambdaStub}
        const times = [];
        const cpu = process.cpuUsage();
        let t = performance.now();
        await import(${JSON.stringify(pathToFileURL(entry).href)});
        times.push(performance.now() - t);
        const used = process.cpuUsage(cpu);
        times.push((used.user + used.system) / 1000);
        for (const chunk of ${JSON.stringify(lazy.map((l) => pathToFileURL(l.file).href))}) {
          t = performance.now();
          await import(chunk);
          times.push(performance.now() - t);
        }
        console.log(JSON.stringify(times));`;
      const [entryMs, entryCpuMs, ...chunkMs] = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8', timeout: 30_000 })) as number[];
      loads.push(entryMs!);
      loadCpu.push(entryCpuMs!);
      chunkMs.forEach((ms, j) => lazyLoads[j]!.push(ms));
    }
    const startupCode = Buffer.concat([...startup].map((f) => readFileSync(f)));
    results[handlerName] = {
      entryBytes: graph.get(entry)!.bytes,
      startupBytes: startupCode.byteLength,
      startupGzipBytes: gzipSync(startupCode).byteLength,
      totalBytes: bytesOf(graph, graph.keys()),
      moduleLoadMedianMs: round(median(loads)),
      moduleLoadCpuMedianMs: round(median(loadCpu)),
      // Several chunks can come from one package (the SDK's credential providers): numbered after the first.
      lazy: Object.fromEntries(lazy.map((l, j) => [lazy.slice(0, j).some((o) => o.name === l.name) ? `${l.name} #${lazy.slice(0, j + 1).filter((o) => o.name === l.name).length}` : l.name, { bytes: l.bytes, extraLoadMedianMs: round(median(lazyLoads[j]!)) }])),
    };
    process.stderr.write(`${handlerName}: ${JSON.stringify(results[handlerName])}\n`);
  }
  await fs.writeFile(path.join(import.meta.dirname, 'results', 'bundles.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log(JSON.stringify(results));
} finally {
  rmSync(outdir, { recursive: true, force: true });
}
