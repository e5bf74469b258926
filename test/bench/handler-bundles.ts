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
 * The bundles leave the AWS SDK (`@aws-sdk/*`) to the Lambda runtime, which
 * ships it. So that loading it still counts, the bundles are loaded from a
 * folder whose `node_modules` holds only `@aws-sdk` (linked to this repository's
 * copy, whose `@smithy/*` and other dependencies Node then finds next to it):
 * anything else a bundle failed to include would fail to load here too.
 *
 * Targets (issue 10): chat handler ≤ 400 KB minified; module load ≤ 150 ms here.
 * Run: npm run bench:bundles. Writes test/bench/results/bundles.json.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import fs from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { ParleyFunction } from '../../infra/constructs/parley-function.ts';
import { buildParleyApp, propertiesOf } from '../infra/fixtures/parley-app.ts';
import { Template } from 'aws-cdk-lib/assertions';
import { build } from 'esbuild';

const RUNS = 5;
const RUNTIME_PROVIDED = '@aws-sdk/';
const repoRoot = path.resolve(import.meta.dirname, '../..');
const awslambdaStub = 'globalThis.awslambda = { streamifyResponse: (fn) => fn, HttpResponseStream: { from: (s) => s } };';
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (ms: number) => Math.round(ms * 10) / 10;

interface ModuleFile {
  readonly bytes: number;
  /** Bundle files this one imports statically / dynamically (absolute paths). */
  readonly imports: readonly string[];
  readonly dynamicImports: readonly string[];
  /** Package specifiers left for the runtime to resolve (not relative, not Node built-ins). */
  readonly bare: readonly string[];
}

/** What one module imports, parsed by esbuild (every import left external, so nothing is followed). */
const importsOf = async (file: string): Promise<{ path: string; kind: string }[]> => {
  const found: { path: string; kind: string }[] = [];
  await build({
    entryPoints: [file], bundle: true, write: false, format: 'esm', platform: 'node', logLevel: 'silent',
    plugins: [{
      name: 'record-imports',
      setup(b) {
        b.onResolve({ filter: /.*/ }, (args) => {
          if (args.kind === 'entry-point') return undefined;
          found.push({ path: args.path, kind: args.kind });
          return { path: args.path, external: true };
        });
      },
    }],
  });
  return found;
};

/** The import graph of a bundle's `.mjs` files. */
const readBundle = async (dir: string): Promise<Map<string, ModuleFile>> => {
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.mjs')).map((f) => path.join(dir, f));
  const graph = new Map<string, ModuleFile>();
  for (const file of files) {
    const imports = await importsOf(file);
    const local = (kinds: string[]) => [...new Set(imports.filter((i) => kinds.includes(i.kind) && i.path.startsWith('.')).map((i) => path.resolve(path.dirname(file), i.path)))];
    graph.set(file, {
      bytes: statSync(file).size,
      imports: local(['import-statement']),
      dynamicImports: local(['dynamic-import']),
      bare: [...new Set(imports.map((i) => i.path).filter((s) => !s.startsWith('.') && !isBuiltin(s)))],
    });
  }
  return graph;
};

/** `roots` and every file they import statically, transitively. */
const staticClosure = (graph: Map<string, ModuleFile>, roots: readonly string[]): Set<string> => {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const next of graph.get(file)?.imports ?? []) visit(next);
  };
  roots.forEach(visit);
  return seen;
};

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

const sum = (graph: Map<string, ModuleFile>, files: Iterable<string>) => [...files].reduce((n, f) => n + graph.get(f)!.bytes, 0);

const outdir = mkdtempSync(path.join(tmpdir(), 'parley-bundles-'));
try {
  // What the Lambda runtime provides, and nothing else: see the header.
  mkdirSync(path.join(outdir, 'node_modules'));
  symlinkSync(path.join(repoRoot, 'node_modules', '@aws-sdk'), path.join(outdir, 'node_modules', '@aws-sdk'), 'dir');

  const parley = buildParleyApp({ bundle: true, outdir });
  const assembly = parley.app.synth();
  const template = Template.fromJSON(assembly.getStackArtifact(parley.stack.artifactId).template as Record<string, unknown>);
  const functions = parley.stack.node.findAll().filter((c): c is ParleyFunction => c instanceof ParleyFunction);
  const results: Record<string, unknown> = {
    date: new Date().toISOString().slice(0, 10),
    machine: '2 cores, Node.js 24',
    runs: RUNS,
    awsSdk: 'not bundled: loaded from node_modules/@aws-sdk, as from the Lambda runtime',
    // Other work on the machine slows the loads down: times measured at a load well above the core count mislead.
    loadAverageAtStart: round(loadavg()[0]!),
  };
  for (const fn of functions) {
    const { S3Key } = propertiesOf(template, fn.function).Code as { S3Key: string };
    const dir = path.join(outdir, `asset.${S3Key.replace(/\.zip$/, '')}`);
    const entry = path.join(dir, 'index.mjs');
    const graph = await readBundle(dir);
    const unexpected = [...graph.values()].flatMap((m) => m.bare).filter((s) => !s.startsWith(RUNTIME_PROVIDED));
    if (unexpected.length > 0) throw new Error(`${fn.handlerName}: the bundle leaves ${[...new Set(unexpected)].join(', ')} to the runtime, which does not have it`);

    const startup = staticClosure(graph, [entry]);
    const lazyRoots = [...new Set([...startup].flatMap((f) => graph.get(f)!.dynamicImports))].filter((f) => !startup.has(f)).sort();
    const lazy = lazyRoots.map((file) => {
      const added = [...staticClosure(graph, [file])].filter((f) => !startup.has(f));
      return { file, name: packagesIn(added), bytes: sum(graph, added) };
    });

    // Placeholders for what the template references: loading reads configuration, it calls no AWS.
    const env = {
      PATH: process.env.PATH ?? '', AWS_REGION: 'eu-west-1', AWS_LAMBDA_FUNCTION_NAME: fn.handlerName, PARLEY_STAGE: 'aws',
      PARLEY_TABLE: 'parley-table', PARLEY_KEYS_TABLE: 'parley-keys', PARLEY_BUCKET: 'parley-documents',
      PARLEY_CONTENT_KMS_KEY_ID: 'arn:aws:kms:eu-west-1:111122223333:key/content', PARLEY_SECRETS_KMS_KEY_ID: 'arn:aws:kms:eu-west-1:111122223333:key/secrets',
      PARLEY_INGEST_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/111122223333/ingest',
    };
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
    results[fn.handlerName] = {
      entryBytes: graph.get(entry)!.bytes,
      startupBytes: startupCode.byteLength,
      startupGzipBytes: gzipSync(startupCode).byteLength,
      totalBytes: sum(graph, graph.keys()),
      moduleLoadMedianMs: round(median(loads)),
      moduleLoadCpuMedianMs: round(median(loadCpu)),
      lazy: Object.fromEntries(lazy.map((l, j) => [l.name, { bytes: l.bytes, extraLoadMedianMs: round(median(lazyLoads[j]!)) }])),
    };
    process.stderr.write(`${fn.handlerName}: ${JSON.stringify(results[fn.handlerName])}\n`);
  }
  await fs.writeFile(path.join(import.meta.dirname, 'results', 'bundles.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log(JSON.stringify(results));
} finally {
  rmSync(outdir, { recursive: true, force: true });
}
