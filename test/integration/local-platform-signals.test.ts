/**
 * `npm start` stopped the way supervisors, IDE stop buttons and `timeout` stop it: one signal to
 * one of its processes (npm, Node, or DynamoDB Local's Java), sent to it alone, not to the whole
 * process group as a terminal's Ctrl-C is. Every process of the group must end and every port
 * must be free. And DynamoDB Local dying otherwise is survived: restarted, data kept, 503 meanwhile.
 */
import { spawn, type ChildProcess, type ChildProcessByStdio } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { call } from './fixtures/platform.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const groups: number[] = [];

interface Running {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly ports: number[];
  readonly apiUrl: string;
}

/** Starts a command in a process group of its own, as a supervisor does, and waits until it is ready. */
const launch = async (command: string, args: string[]): Promise<Running> => {
  const child: ChildProcessByStdio<null, Readable, Readable> = spawn(command, args, { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  groups.push(child.pid!);
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const deadline = Date.now() + 45_000;
  while (!/Press Ctrl-C to stop/.test(out)) {
    if (child.exitCode !== null) throw new Error(`exited early:\n${out}`);
    if (Date.now() > deadline) throw new Error(`not ready in time:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const ports = [...out.matchAll(/http:\/\/127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1]));
  const apiUrl = /API\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1]!;
  return { child, output: () => out, ports: [...new Set(ports)], apiUrl };
};

const npmStart = (...args: string[]) => launch('npm', ['start', '--', '--port', '0', ...args]);

interface Proc { pid: number; name: string }

/** The live processes of a process group, from /proc (zombies count as gone). */
const groupMembers = async (pgid: number): Promise<Proc[]> => {
  const found: Proc[] = [];
  for (const entry of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await fs.readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const close = stat.lastIndexOf(')');
    if (close < 0) continue;
    const [state, , pgrp] = stat.slice(close + 2).split(' ');
    if (Number(pgrp) !== pgid || state === 'Z') continue;
    const cmdline = (await fs.readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '')).split('\0');
    found.push({ pid: Number(entry), name: path.basename(cmdline[0] ?? '') + (cmdline.some((a) => a.endsWith('start.ts')) ? ' start.ts' : '') });
  }
  return found;
};

const waitFor = async (check: () => Promise<boolean>, ms: number): Promise<boolean> => {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
};

const portIsFree = (port: number) => new Promise<boolean>((resolve) => {
  const socket = net.connect(port, '127.0.0.1');
  socket.once('connect', () => { socket.destroy(); resolve(false); });
  socket.once('error', () => resolve(true));
});

afterAll(() => {
  for (const pgid of groups) {
    try { process.kill(-pgid, 'SIGKILL'); } catch { /* already gone */ }
  }
});

describe('npm start, stopped by one signal to one of its processes', () => {
  const targets = {
    node: (p: Proc[]) => p.find((x) => x.name.endsWith('start.ts')),
    java: (p: Proc[]) => p.find((x) => x.name === 'java'),
  };
  for (const [target, signal] of [['npm', 'SIGTERM'], ['npm', 'SIGINT'], ['node', 'SIGTERM'], ['node', 'SIGINT'], ['java', 'SIGTERM'], ['java', 'SIGINT']] as const) {
    it(`stops every process and frees every port on ${signal} to ${target}`, async () => {
      const { child, ports, output } = await npmStart('--memory');
      const members = await groupMembers(child.pid!);
      expect(members.map((m) => m.name)).toEqual(expect.arrayContaining(['java', expect.stringMatching(/start\.ts$/)]));
        const victim = target === 'npm' ? { pid: child.pid!, name: 'npm' } : targets[target](members);
      expect(victim, JSON.stringify(members)).toBeDefined();
      expect(ports.length).toBeGreaterThanOrEqual(4);
      process.kill(victim!.pid, signal);
      const allGone = await waitFor(async () => (await groupMembers(child.pid!)).length === 0, 20_000);
      expect({ allGone, left: await groupMembers(child.pid!), output: allGone ? '' : output() }).toMatchObject({ allGone: true, left: [] });
      for (const port of ports) expect({ port, free: await portIsFree(port) }).toEqual({ port, free: true });
      expect(output()).toContain('stopping…');
      expect(output()).not.toMatch(/\n\s+at /); // no stack trace
    }, 90_000);
  }

  it('says in plain words that the port is busy, with no stack trace, and leaves nothing running', async () => {
    const busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as net.AddressInfo).port;
    try {
      const child = spawn(process.execPath, ['infra/local/start.ts', '--memory', '--port', String(port)], { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      groups.push(child.pid!);
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
      expect(code).toBe(1);
      expect(out).toContain(`Port ${port} is already in use on 127.0.0.1`);
      expect(out).toContain('--port');
      expect(out).not.toMatch(/EADDRINUSE|\n\s+at /);
      expect(await waitFor(async () => (await groupMembers(child.pid!)).length === 0, 10_000)).toBe(true);
    } finally {
      busy.close();
    }
  }, 90_000);
});

describe('npm start, when DynamoDB Local dies', () => {
  it('answers 503 with the reason meanwhile, restarts it with the data kept, and says so in one line', async () => {
    const data = await fs.mkdtemp(path.join(os.tmpdir(), 'parley-restart-'));
    try {
      const { child, apiUrl, output } = await launch(process.execPath, ['infra/local/start.ts', '--port', '0', '--data', data]);
      const { body } = await call<{ token: string }>(apiUrl, 'POST', '/local/sign-in', { email: 'restart@example.com' });
      const auth = { authorization: `Bearer ${body.token}` };
      const created = await call<{ account: { accountId: string } }>(apiUrl, 'POST', '/v1/account', { name: 'Survives' }, auth);
      expect(created.status).toBe(201);

      const java = (await groupMembers(child.pid!)).find((p) => p.name === 'java')!;
      process.kill(java.pid, 'SIGKILL');
      // Every request until it is back is refused with the reason (503), never a 500.
      const statuses: number[] = [];
      let refusal: Awaited<ReturnType<typeof call<{ error: { code: string; message: string } }>>> | undefined;
      const deadline = Date.now() + 40_000;
      while (Date.now() < deadline) {
        const res = await call<{ error: { code: string; message: string } }>(apiUrl, 'GET', '/v1/account', undefined, auth);
        if (statuses.at(-1) !== res.status) statuses.push(res.status);
        if (res.status === 503) refusal ??= res;
        if (res.status === 200 && statuses.includes(503)) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(statuses.filter((s) => s !== 200)).toEqual([503]);
      expect(statuses.at(-1)).toBe(200);
      expect(refusal!.body.error.code).toBe('unavailable');
      expect(refusal!.body.error.message).toMatch(/DynamoDB Local\) stopped and is being restarted/);
      expect(refusal!.headers.get('retry-after')).toBe('5');

      const after = await call<{ account: { accountId: string; name: string } }>(apiUrl, 'GET', '/v1/account', undefined, auth);
      expect(after.body.account).toMatchObject({ accountId: created.body.account.accountId, name: 'Survives' });
      const lines = output().split('\n').filter((l) => l.includes('DynamoDB Local stopped'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^DynamoDB Local stopped \(killed by SIGKILL\) and was restarted in [\d.]+ s on the same port; its data is kept in /);
      const restarted = (await groupMembers(child.pid!)).filter((p) => p.name === 'java');
      expect(restarted.length).toBe(1);
      expect(restarted[0]!.pid).not.toBe(java.pid);

      child.kill('SIGTERM');
      expect(await waitFor(async () => (await groupMembers(child.pid!)).length === 0, 20_000)).toBe(true);
    } finally {
      await fs.rm(data, { recursive: true, force: true });
    }
  }, 120_000);
});
