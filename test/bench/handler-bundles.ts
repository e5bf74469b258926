/**
 * Each Lambda handler as the stack deploys it: bundled by `cdk synth` (esbuild,
 * minified ES module with a source map), then loaded by a fresh Node.js 24
 * process with the stack's environment, as a cold start does. Reports the
 * bundle's size (raw and gzipped) and the median module-load time of 5 cold loads.
 * Targets (issue 10): chat handler ≤ 400 KB minified; module load ≤ 150 ms here.
 * Run: npm run bench:bundles. Writes test/bench/results/bundles.json.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { ParleyFunction } from '../../infra/constructs/parley-function.ts';
import { buildParleyApp, propertiesOf } from '../infra/fixtures/parley-app.ts';
import { Template } from 'aws-cdk-lib/assertions';

const RUNS = 5;
const awslambdaStub = 'globalThis.awslambda = { streamifyResponse: (fn) => fn, HttpResponseStream: { from: (s) => s } };';
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const outdir = mkdtempSync(path.join(tmpdir(), 'parley-bundles-'));
try {
  const parley = buildParleyApp({ bundle: true, outdir });
  const assembly = parley.app.synth();
  const template = Template.fromJSON(assembly.getStackArtifact(parley.stack.artifactId).template as Record<string, unknown>);
  const functions = parley.stack.node.findAll().filter((c): c is ParleyFunction => c instanceof ParleyFunction);
  const results: Record<string, unknown> = { date: new Date().toISOString().slice(0, 10), machine: '2 cores, Node.js 24', runs: RUNS };
  for (const fn of functions) {
    const { S3Key } = propertiesOf(template, fn.function).Code as { S3Key: string };
    const file = path.join(outdir, `asset.${S3Key.replace(/\.zip$/, '')}`, 'index.mjs');
    const code = readFileSync(file);
    // Placeholders for what the template references: loading reads configuration, it calls no AWS.
    const env = {
      PATH: process.env.PATH ?? '', AWS_REGION: 'eu-west-1', AWS_LAMBDA_FUNCTION_NAME: fn.handlerName, PARLEY_STAGE: 'aws',
      PARLEY_TABLE: 'parley-table', PARLEY_KEYS_TABLE: 'parley-keys', PARLEY_BUCKET: 'parley-documents',
      PARLEY_CONTENT_KMS_KEY_ID: 'arn:aws:kms:eu-west-1:111122223333:key/content', PARLEY_SECRETS_KMS_KEY_ID: 'arn:aws:kms:eu-west-1:111122223333:key/secrets',
      PARLEY_INGEST_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/111122223333/ingest',
    };
    const loads: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const script = `${awslambdaStub}
        const t = performance.now();
        await import(${JSON.stringify(pathToFileURL(file).href)});
        console.log(performance.now() - t);`;
      loads.push(Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8', timeout: 30_000 }).trim()));
    }
    results[fn.handlerName] = {
      bytes: code.byteLength,
      gzipBytes: gzipSync(code).byteLength,
      moduleLoadMedianMs: Math.round(median(loads) * 10) / 10,
    };
    process.stderr.write(`${fn.handlerName}: ${JSON.stringify(results[fn.handlerName])}\n`);
  }
  await fs.writeFile(path.join(import.meta.dirname, 'results', 'bundles.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log(JSON.stringify(results));
} finally {
  rmSync(outdir, { recursive: true, force: true });
}
