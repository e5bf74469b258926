/**
 * The deployed artifacts, not the sources: every function's bundle as `cdk synth`
 * writes it to the cloud assembly, copied into a folder with no `node_modules`
 * in it or above it, run by the local platform in a plain Node.js process, with
 * the README's walkthrough against it. A bundle that needs a package it does not
 * carry, or that breaks once minified and split into chunks, fails here.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { localFunctions } from '../../infra/local/handler-modules.ts';
import { assertNoNodeModulesAbove, synthesizeBundles } from '../infra/fixtures/synthesized-bundles.ts';
import type { BundledPlatformConfig, BundledPlatformRequest } from './fixtures/bundled-platform-process.ts';
import { expectCitedAnswer, runReadmeWalkthrough } from './fixtures/readme-walkthrough.ts';

const repo = path.resolve(import.meta.dirname, '../..');
const childScript = fileURLToPath(new URL('./fixtures/bundled-platform-process.ts', import.meta.url));

let outdir: string | undefined;
let bare: string | undefined;
let child: ChildProcess | undefined;
let apiUrl: string;
let handlerFiles: Record<string, string>;

/** Asks the platform process for something and waits for its answer. */
let nextId = 0;
const ask = <T>(op: BundledPlatformRequest['op']): Promise<T> =>
  new Promise((resolve, reject) => {
    const id = ++nextId;
    const onMessage = (message: { id?: number; value?: T; error?: string }) => {
      if (message.id !== id) return;
      child!.off('message', onMessage);
      if (message.error !== undefined) reject(new Error(message.error));
      else resolve(message.value as T);
    };
    child!.on('message', onMessage);
    child!.send({ id, op } satisfies BundledPlatformRequest);
  });

beforeAll(async () => {
  outdir = mkdtempSync(path.join(tmpdir(), 'parley-cdk-out-'));
  const { bundles } = synthesizeBundles(outdir);
  expect([...bundles.keys()].sort()).toEqual([...localFunctions].sort());

  // One folder per function, named after it, as the local platform reads a bundles folder.
  bare = mkdtempSync(path.join(tmpdir(), 'parley-bare-'));
  assertNoNodeModulesAbove(bare);
  for (const [name, { dir }] of bundles) cpSync(dir, path.join(bare, name), { recursive: true });
  rmSync(outdir, { recursive: true, force: true });
  outdir = undefined;

  const config: BundledPlatformConfig = {
    bundlesDir: bare,
    dynamodbEndpoint: inject('dynamodbEndpoint'),
    s3Endpoint: inject('s3Endpoint'),
    masterKeyFile: inject('masterKeyFile'),
  };
  child = fork(childScript, [], {
    execPath: process.execPath,
    execArgv: [],
    // Not the repository: nothing the bundles resolve relative to the working folder may come from there.
    cwd: bare,
    env: { PATH: process.env.PATH ?? '', PARLEY_BUNDLED_PLATFORM: JSON.stringify(config) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise<{ type: string; apiUrl?: string; handlerFiles?: Record<string, string>; message?: string }>((resolve, reject) => {
    child!.once('message', resolve);
    child!.once('exit', (code) => reject(new Error(`the platform process exited (${code}) before it was ready`)));
  });
  if (ready.type !== 'ready') throw new Error(`the platform did not start on the bundles: ${ready.message}`);
  apiUrl = ready.apiUrl!;
  handlerFiles = ready.handlerFiles!;
  // Five bundles that carry the AWS SDK: under a minute on a quiet machine, minutes on a busy one.
}, 300_000);

afterAll(async () => {
  if (child?.connected) await ask('stop').catch(() => child?.kill());
  if (outdir) rmSync(outdir, { recursive: true, force: true });
  if (bare) rmSync(bare, { recursive: true, force: true });
});

describe('the synthesized bundles, in a folder with no node_modules', () => {
  it('hold nothing but the functions\' code: no node_modules inside', () => {
    for (const name of localFunctions) {
      const files = readdirSync(path.join(bare!, name), { recursive: true, encoding: 'utf8' });
      expect(files, name).toContain('index.mjs');
      expect(files.filter((f) => f.split(path.sep).includes('node_modules')), name).toEqual([]);
    }
  });

  it('run the README walkthrough on the local platform', async () => {
    expectCitedAnswer(await runReadmeWalkthrough(apiUrl));
  });

  it('are what the platform ran: every handler came from its bundle, none from the sources', async () => {
    expect(Object.keys(handlerFiles).sort()).toEqual([...localFunctions].sort());
    for (const name of localFunctions) expect(handlerFiles[name]).toBe(path.join(bare!, name, 'index.mjs'));
    const loaded = await ask<string[]>('modules');
    for (const file of Object.values(handlerFiles)) expect(loaded).toContain(pathToFileURL(file).href);
    // With the chunks they import, from the same folders.
    for (const name of localFunctions) {
      expect(loaded.some((url) => url.startsWith(pathToFileURL(path.join(bare!, name, 'chunks')).href)), name).toBe(true);
    }
    const fromSources = loaded.filter((url) => url.startsWith(pathToFileURL(path.join(repo, 'lambdas/handlers')).href) || url.endsWith('/lambdas/adapters/wiring.ts'));
    expect(fromSources).toEqual([]);
  });

  it('run the sweeper function from its bundle', async () => {
    const result = await ask<{ deleted: number; more: boolean; held: number }>('sweep');
    expect(Object.keys(result).sort()).toEqual(['deleted', 'held', 'more']);
    expect(result.deleted).toBeGreaterThanOrEqual(0);
    expect(typeof result.more).toBe('boolean');
  });
});
