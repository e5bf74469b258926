/**
 * Local S3 in a process of its own, for benchmarks: on AWS, S3 does its work on other
 * machines, so a benchmark of the function should not find the emulator's file reads, nor the
 * front door's signature checks and relaying, queued on its own event loop (DynamoDB Local runs
 * apart already, in its JVM). The front door's ObjectCreated notifications go nowhere.
 *
 * Use: `const s3 = await startS3rverProcess(dir)`, then `startPlatform({ s3FrontDoor: s3.url })`;
 * as a script (`node s3-emulator-process.ts <dir>`) it prints the front door's URL and serves
 * until its standard input closes.
 */
import { spawn } from 'node:child_process';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startS3FrontDoor, startS3rver } from '../../infra/local/s3-local.ts';
import type { Stoppable } from '../../infra/local/loopback.ts';

export const startS3rverProcess = async (directory: string): Promise<Stoppable> => {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), directory], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the S3 emulator's process exited (${code}) before it listened`)));
    readline.createInterface({ input: child.stdout }).once('line', resolve);
  });
  return {
    url,
    stop: async () => {
      child.stdin.end();
      await exited;
    },
  };
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const s3 = await startS3rver(process.argv[2]!);
  const frontDoor = await startS3FrontDoor(s3.url, () => undefined);
  process.stdout.write(`${frontDoor.url}\n`);
  process.stdin.resume();
  process.stdin.once('end', () => void frontDoor.stop().then(() => s3.stop()).then(() => process.exit(0)));
}
