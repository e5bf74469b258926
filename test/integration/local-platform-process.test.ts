/**
 * `npm start` as a user runs it: a child process that prints its URLs, keeps data
 * across restarts, and leaves no Java process behind however it ends.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { call } from './fixtures/platform.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
type Child = ChildProcessByStdio<null, Readable, Readable>;
const children: Child[] = [];

const startCli = async (args: string[]): Promise<{ child: Child; apiUrl: string; dynamoPort: string; output: () => string }> => {
  const child = spawn(process.execPath, ['infra/local/start.ts', '--port', '0', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const deadline = Date.now() + 40_000;
  while (!/Press Ctrl-C to stop/.test(out)) {
    if (child.exitCode !== null) throw new Error(`npm start exited early:\n${out}`);
    if (Date.now() > deadline) throw new Error(`npm start was not ready in time:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const apiUrl = /API\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1]!;
  const dynamoPort = /DynamoDB Local\s+http:\/\/127\.0\.0\.1:(\d+)/.exec(out)![1]!;
  return { child, apiUrl, dynamoPort, output: () => out };
};

/** Java processes running DynamoDB Local on this port. */
/** The local addresses sockets listen on for `port`, from /proc/net/tcp and tcp6 (hex, as the kernel writes them). */
const listenersOn = async (port: string): Promise<string[]> => {
  const hexPort = Number(port).toString(16).toUpperCase().padStart(4, '0');
  const out: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const lines = (await fs.readFile(file, 'utf8').catch(() => '')).split('\n').slice(1);
    for (const line of lines) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (state === '0A' && local?.endsWith(`:${hexPort}`)) out.push(local.slice(0, -5));
    }
  }
  return out;
};

const javaOnPort = async (port: string): Promise<number[]> => {
  const pids: number[] = [];
  for (const entry of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await fs.readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    const args = cmdline.split('\0');
    if (path.basename(args[0] ?? '') === 'java' && args.some((a) => a.endsWith('LoopbackDynamoDbLocal.java')) && args[args.indexOf('-port') + 1] === port) pids.push(Number(entry));
  }
  return pids;
};

const waitFor = async (check: () => Promise<boolean>, ms: number): Promise<boolean> => {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
};

const exited = (child: Child) => new Promise<number | null>((resolve) => {
  if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
  else child.once('exit', (code) => resolve(code));
});

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

describe('npm start', () => {
  it('prints its URLs, serves the API, and stops Java on Ctrl-C', async () => {
    const { child, apiUrl, dynamoPort, output } = await startCli(['--memory']);
    expect(output()).toContain('(local use only)');
    expect((await javaOnPort(dynamoPort)).length).toBe(1);
    // DynamoDB Local listens on loopback only (127.0.0.1, or its IPv4-mapped form), never on every interface.
    const listeners = await listenersOn(dynamoPort);
    expect(listeners.length).toBeGreaterThan(0);
    expect(listeners.every((a) => a === '0100007F' || a === '0000000000000000FFFF00000100007F')).toBe(true);
    const signIn = await call<{ token: string; notice: string }>(apiUrl, 'POST', '/local/sign-in', { email: 'a@example.com' });
    expect(signIn.status).toBe(200);
    expect(signIn.body.notice).toMatch(/local/i);

    child.kill('SIGINT');
    expect(await exited(child)).toBe(0);
    expect(await waitFor(async () => (await javaOnPort(dynamoPort)).length === 0, 10_000)).toBe(true);
  });

  it('leaves no orphaned Java process even when killed outright', async () => {
    const { child, dynamoPort } = await startCli(['--memory']);
    expect((await javaOnPort(dynamoPort)).length).toBe(1);
    child.kill('SIGKILL');
    await exited(child);
    expect(await waitFor(async () => (await javaOnPort(dynamoPort)).length === 0, 10_000)).toBe(true);
  });

  it('keeps data across restarts in its data folder', async () => {
    const data = await fs.mkdtemp(path.join(os.tmpdir(), 'parley-data-'));
    try {
      const first = await startCli(['--data', data]);
      const { body } = await call<{ token: string }>(first.apiUrl, 'POST', '/local/sign-in', { email: 'keep@example.com' });
      const created = await call<{ account: { accountId: string } }>(first.apiUrl, 'POST', '/v1/account', { name: 'Kept' }, { authorization: `Bearer ${body.token}` });
      expect(created.status).toBe(201);
      first.child.kill('SIGTERM');
      await exited(first.child);

      const second = await startCli(['--data', data]);
      // The old token still verifies: the signing key persisted too.
      const account = await call<{ account: { accountId: string; name: string } }>(second.apiUrl, 'GET', '/v1/account', undefined, { authorization: `Bearer ${body.token}` });
      expect(account.body.account).toMatchObject({ accountId: created.body.account.accountId, name: 'Kept' });
      expect((await fs.stat(path.join(data, 'local-signing-key.json'))).mode & 0o777).toBe(0o600);
      second.child.kill('SIGINT');
      await exited(second.child);
    } finally {
      await fs.rm(data, { recursive: true, force: true });
    }
  });
});
