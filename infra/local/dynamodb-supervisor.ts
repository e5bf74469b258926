/**
 * DynamoDB Local under the platform's watch. If Java is stopped by a signal sent to it
 * (SIGTERM, SIGINT, SIGHUP: a supervisor or a person stopping it), the whole platform is
 * asked to stop, as a signal to any of its processes does. If it dies any other way (killed,
 * out of memory, crashed), it is started again on the same port, with the data it keeps on
 * disk, and one line says so; until it answers, `unavailable()` gives the reason the API
 * answers 503 with.
 */
import net from 'node:net';
import { startDynamoDbLocal, type DynamoDbLocal, type JavaExit } from './dynamodb-local.ts';

/** Signals that mean "stop", whichever of the platform's processes receives them. */
export const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];

export interface DynamoDbSupervisorOptions {
  /** Folder that persists the data; undefined keeps it in memory (lost on a restart). */
  readonly dbPath: string | undefined;
  /** Java was stopped by a signal sent to it: stop the whole platform. */
  readonly onStopSignal: (signal: NodeJS.Signals) => void;
  /** After a restart, before requests are let through (an in-memory restart needs its tables again). */
  readonly afterRestart: () => Promise<void>;
  /** One line for the operator: the restart, or that it failed. */
  readonly log: (line: string) => void;
  /** Pause between failed restart attempts. @default 1000 */
  readonly retryMs?: number;
}

export interface DynamoDbSupervisor {
  readonly url: string;
  /** The current Java process id. */
  readonly javaPid: number;
  /** Why the database cannot answer now (it is restarting), or undefined when it can. */
  unavailable(): string | undefined;
  /**
   * The same, after a request failed: Java may have died a moment before its exit was seen,
   * so its port is tried (a refused connection means it is down).
   */
  checkAfterFailure(): Promise<string | undefined>;
  stop(): Promise<void>;
}

const describeExit = (exit: JavaExit): string => (exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`);

export const superviseDynamoDbLocal = async (opts: DynamoDbSupervisorOptions): Promise<DynamoDbSupervisor> => {
  let current: DynamoDbLocal;
  let down: string | undefined;
  let stopped = false;
  let restarting: Promise<void> | undefined;

  const start = (port?: number): Promise<DynamoDbLocal> =>
    startDynamoDbLocal({ dbPath: opts.dbPath, port, onExit: (exit) => onExit(exit) });

  const restart = async (exit: JavaExit): Promise<void> => {
    const began = Date.now();
    for (let attempt = 1; !stopped; attempt += 1) {
      try {
        const next = await start(current.port);
        if (stopped) {
          await next.stop();
          return;
        }
        current = next;
        await opts.afterRestart();
        down = undefined;
        opts.log(`DynamoDB Local stopped (${describeExit(exit)}) and was restarted in ${((Date.now() - began) / 1000).toFixed(1)} s on the same port; ${opts.dbPath ? `its data is kept in ${opts.dbPath}` : 'it ran in memory (--memory), so its data is gone'}.`);
        return;
      } catch (err) {
        if (attempt === 1 || attempt % 10 === 0) opts.log(`DynamoDB Local stopped (${describeExit(exit)}) and could not be started again (attempt ${attempt}: ${err instanceof Error ? err.message : String(err)}); trying again.`);
        await new Promise((r) => setTimeout(r, opts.retryMs ?? 1000));
      }
    }
  };

  const onExit = (exit: JavaExit): void => {
    if (stopped) return;
    if (exit.signal && STOP_SIGNALS.includes(exit.signal)) {
      down = `The local database (DynamoDB Local) was stopped by ${exit.signal}; the platform is stopping.`;
      opts.onStopSignal(exit.signal);
      return;
    }
    down = RESTARTING;
    restarting = restart(exit).finally(() => (restarting = undefined));
  };

  const RESTARTING = 'The local database (DynamoDB Local) stopped and is being restarted; try again in a few seconds.';
  const answers = (port: number) => new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setTimeout(1000, () => { socket.destroy(); resolve(true); });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });

  current = await start();
  return {
    url: current.url,
    get javaPid() { return current.javaPid; },
    unavailable: () => down,
    checkAfterFailure: async () => down ?? ((await answers(current.port)) ? undefined : RESTARTING),
    async stop() {
      stopped = true;
      down ??= 'The local platform is stopping.';
      await restarting;
      await current.stop();
    },
  };
};
