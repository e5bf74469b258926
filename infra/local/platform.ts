/**
 * The local platform: DynamoDB Local, the S3 emulator behind its front door, the
 * ingest queue, and the API server, wired to the same handlers that run on AWS.
 * Used by `npm start` and by the integration tests.
 *
 * Handlers read their configuration at import, like a Lambda cold start, so one
 * process hosts one platform.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { Deps } from '../../lambdas/core/ports.ts';
import { createS3Client } from '../../lambdas/adapters/s3/client.ts';
import type { FunctionName } from '../../lambdas/http/routes.ts';
import { startLocalCognito, type LocalCognito, type LocalInvitation } from './cognito-local.ts';
import { superviseDynamoDbLocal, type DynamoDbSupervisor } from './dynamodb-supervisor.ts';
import { createApiServer } from './http-server.ts';
import { createIngestQueue, type IngestQueue, type IngestQueueOptions } from './ingest-queue.ts';
import { loadHandlers, type LocalFunction } from './handler-modules.ts';
import { installLambdaGlobals, lambdaContext } from './lambda-runtime.ts';
import { createLocalIdentity, LOCAL_AUDIENCE, LOCAL_ISSUER, type LocalIdentity } from './local-identity.ts';
import { ensureBucket, ensureMasterKey, ensureTable } from './provision.ts';
import type { Stoppable } from './loopback.ts';
import { startS3FrontDoor, startS3rver, type SessionSecret } from './s3-local.ts';
import { EXPORT_TIMEOUT_SECONDS, NOTIFY_TIMEOUT_SECONDS } from '../../lambdas/core/limits.ts';
import { startLocalSes, type LocalSes, type LocalSesOptions } from './ses-local.ts';
import { LOCAL_EXPORT_QUEUE_URL, LOCAL_INGEST_QUEUE_URL, LOCAL_NOTIFY_QUEUE_URL, startLocalSqs } from './sqs-local.ts';

export interface PlatformOptions {
  /** Folder for data that persists across restarts; undefined: a throwaway in-memory run. */
  readonly dataDir?: string | undefined;
  /** API port on 127.0.0.1; 0 picks a free one. */
  readonly port?: number;
  /** Use an already running DynamoDB Local (tests share one per run). */
  readonly dynamodbEndpoint?: string | undefined;
  /** Use an already running S3 emulator (tests share one per run). */
  readonly s3Endpoint?: string | undefined;
  /**
   * Use an S3 front door already running in another process (with its emulator behind it), as
   * the functions' S3: a benchmark's, so that S3's work is not done on the measured event loop.
   * Its ObjectCreated notifications are not heard: uploads are not ingested.
   */
  readonly s3FrontDoor?: string | undefined;
  readonly table?: string;
  readonly bucket?: string;
  /**
   * The local keyring's master key file. Platforms that share one DynamoDB are one
   * installation and must share it (tests); by default it lives with the data.
   */
  readonly masterKeyFile?: string;
  readonly logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** Further operator settings for the functions (provider base URLs, egress allowlist, platform keys). */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * Whether the server stands in for CloudFront, adding the edge proof to every API request
   * (default). `false` serves requests as the bare function URLs would receive them on AWS,
   * which the functions refuse without the proof (`platform.edgeSecret`).
   */
  readonly cloudFront?: boolean;
  readonly onError?: (message: string, err: unknown) => void;
  /** What the fake Cognito would have e-mailed an invited person (`npm start` prints it). */
  readonly onInvitation?: (invitation: LocalInvitation) => void;
  /**
   * Run built handler bundles instead of the sources: a folder with one folder per
   * function named after it, holding its `index.mjs` (see `handler-modules.ts`).
   * @default undefined, the sources under `lambdas/handlers`
   */
  readonly bundlesDir?: string | undefined;
  /**
   * The secrets of temporary credentials an STS issued (tests run the functions on
   * the tenant role through a fake STS): the S3 front door accepts requests signed
   * with them, as S3 accepts STS sessions.
   */
  readonly sessionSecret?: SessionSecret;
  /**
   * A signal reached one of the platform's own processes (DynamoDB Local's Java): the platform
   * should stop, as it does on a signal to Node. `npm start` stops it; by default it is logged.
   */
  readonly onStopSignal?: (signal: NodeJS.Signals) => void;
  /** Operator lines (DynamoDB Local restarted). @default console.error */
  readonly log?: (line: string) => void;
  /** The local ingest queue's timings (tests run long work at a reduced time scale). */
  readonly ingest?: IngestQueueOptions;
  /** How long a delayed queue message waits, as a share of its `DelaySeconds` (tests run webhook retries fast). @default 1 */
  readonly queueDelayScale?: number;
  /** The local outbox: what to do with each e-mail (`npm start` prints a line), and refusals for tests. */
  readonly mail?: Pick<LocalSesOptions, 'onMail' | 'refuse'>;
}

export interface Platform {
  readonly apiUrl: string;
  readonly s3Url: string;
  readonly dynamodbUrl: string;
  readonly dataDir: string | undefined;
  readonly table: string;
  /** Wrapped account content keys, apart from the data. */
  readonly keysTable: string;
  readonly bucket: string;
  readonly identity: LocalIdentity;
  /** The fake Cognito user pool that invitations create sign-ins in. */
  readonly cognito: LocalCognito;
  /** What CloudFront would send as `x-parley-edge-secret`; the functions refuse API requests without it. */
  readonly edgeSecret: string;
  /**
   * The adapters the handlers in this process use, for tests that look at storage
   * directly. Not with `bundlesDir`: each bundle has its own.
   */
  readonly deps: Deps;
  /** The file each function's handler was loaded from. */
  readonly handlerFiles: Readonly<Record<LocalFunction, string>>;
  /** Runs the sweeper function once, as its daily schedule does on AWS. */
  sweep(): Promise<unknown>;
  /**
   * Starts the daily digest as the stack's schedule does: the notify function gets EventBridge's
   * scheduled event with `time` = `at` (default now), and queues the digests of the day before
   * on the notify queue; `await platform.notify.idle()` to have them sent.
   */
  digest(at?: Date): Promise<unknown>;
  readonly ingest: IngestQueue;
  /** The account-export queue, which the account-export function consumes. */
  readonly exports: IngestQueue;
  /** The notify queue (events for e-mail notifications), which the notify function consumes. */
  readonly notify: IngestQueue;
  /** The local outbox: SES on loopback, keeping every e-mail the functions send. */
  readonly outbox: LocalSes;
  /** Java's process id when this platform started DynamoDB Local itself. */
  readonly javaPid: number | undefined;
  stop(): Promise<void>;
}

export const REGION = 'eu-west-1';

// One per process: handlers keep the configuration of their cold start, as on AWS.
const EDGE_SECRET = randomBytes(24).toString('base64url');

/** EventBridge's event for a scheduled rule, as the stack's daily digest rule sends it. */
const scheduledEvent = (at: Date) => ({
  version: '0', id: randomUUID(), 'detail-type': 'Scheduled Event', source: 'aws.events', account: '000000000000',
  time: at.toISOString().replace(/\.\d{3}Z$/, 'Z'), region: REGION, resources: [`arn:aws:events:${REGION}:000000000000:rule/parley-daily-digest`], detail: {},
});

export const startPlatform = async (opts: PlatformOptions = {}): Promise<Platform> => {
  const table = opts.table ?? 'parley-local';
  const bucket = opts.bucket ?? 'parley-local-documents';
  const keysTable = `${table}-keys`;
  const onError = opts.onError ?? ((message, err) => console.error(message, err));
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch((err: unknown) => onError('stop failed', err));
    stops.length = 0;
  };

  try {
    let s3Dir: string | undefined;
    let secretsDir: string;
    if (opts.dataDir) {
      await fs.mkdir(path.join(opts.dataDir, 'dynamodb'), { recursive: true, mode: 0o700 });
      s3Dir = path.join(opts.dataDir, 's3');
      secretsDir = opts.dataDir;
    } else {
      secretsDir = await fs.mkdtemp(path.join(os.tmpdir(), 'parley-keys-'));
      stops.push(() => fs.rm(secretsDir, { recursive: true, force: true }));
    }
    // The raw AES master key of the local keyring, created on first start, owner-only.
    const masterKeyFile = await ensureMasterKey(opts.masterKeyFile ?? path.join(secretsDir, 'master.key'));
    let dynamo: DynamoDbSupervisor | undefined;
    let dynamodbUrl = opts.dynamodbEndpoint;
    if (!dynamodbUrl) {
      dynamo = await superviseDynamoDbLocal({
        dbPath: opts.dataDir ? path.join(opts.dataDir, 'dynamodb') : undefined,
        onStopSignal: opts.onStopSignal ?? ((signal) => onError(`DynamoDB Local was stopped by ${signal}`, undefined)),
        // An in-memory restart starts empty: the tables are made again.
        afterRestart: async () => {
          await ensureTable(dynamo!.url, table, REGION);
          await ensureTable(dynamo!.url, keysTable, REGION);
        },
        log: opts.log ?? ((line) => console.error(line)),
      });
      stops.push(() => dynamo!.stop());
      dynamodbUrl = dynamo.url;
    }
    let s3Url = opts.s3FrontDoor ?? opts.s3Endpoint;
    if (!s3Url) {
      const dir = s3Dir ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'parley-s3-')));
      if (!s3Dir) stops.push(() => fs.rm(dir, { recursive: true, force: true }));
      const s3rver: Stoppable = await startS3rver(dir);
      stops.push(() => s3rver.stop());
      s3Url = s3rver.url;
    }

    // The queue needs the handlers, which need the front door's URL: it is filled in below.
    const queueRef: { current?: IngestQueue; exports?: IngestQueue; notify?: IngestQueue } = {};
    const frontDoor = opts.s3FrontDoor ? { url: opts.s3FrontDoor } : await startS3FrontDoor(s3Url, (b, key, size) => {
      if (b === bucket) queueRef.current?.send(b, key, size);
    }, opts.sessionSecret);
    if ('stop' in frontDoor) stops.push(() => frontDoor.stop());
    const delayScale = opts.queueDelayScale ?? 1;
    const sqs = await startLocalSqs((body, name, delaySeconds) =>
      (name === 'parley-export' ? queueRef.exports : name === 'parley-notify' ? queueRef.notify : queueRef.current)?.sendBody(body, delaySeconds * 1000 * delayScale));
    stops.push(() => sqs.stop());
    const outbox = await startLocalSes({ dataDir: opts.dataDir, ...opts.mail });
    stops.push(() => outbox.stop());
    const cognito = await startLocalCognito({ dataDir: opts.dataDir, ...(opts.onInvitation ? { onInvitation: opts.onInvitation } : {}) });
    stops.push(() => cognito.stop());

    const localIdentity = await createLocalIdentity(opts.dataDir);
    // The functions' environment, as the CDK stack sets it on AWS.
    Object.assign(process.env, {
      PARLEY_STAGE: 'local',
      PARLEY_TABLE: table,
      PARLEY_KEYS_TABLE: keysTable,
      PARLEY_LOCAL_MASTER_KEY_FILE: masterKeyFile,
      PARLEY_BUCKET: bucket,
      AWS_REGION: REGION,
      PARLEY_DYNAMODB_ENDPOINT: dynamodbUrl,
      PARLEY_S3_ENDPOINT: frontDoor.url,
      PARLEY_SQS_ENDPOINT: sqs.url,
      PARLEY_INGEST_QUEUE_URL: LOCAL_INGEST_QUEUE_URL,
      PARLEY_EXPORT_QUEUE_URL: LOCAL_EXPORT_QUEUE_URL,
      PARLEY_NOTIFY_QUEUE_URL: LOCAL_NOTIFY_QUEUE_URL,
      // E-mail goes to the local outbox, from an address no one can receive at.
      PARLEY_SES_ENDPOINT: outbox.url,
      // The panel reads the text of sent e-mails back from the outbox (on AWS none is kept).
      PARLEY_LOCAL_OUTBOX_URL: outbox.url,
      PARLEY_SES_SENDER: 'notifications@parley.localhost',
      // Links in e-mails need the panel's address before the server listens: known only for a fixed port.
      ...(opts.port ? { PARLEY_PANEL_URL: `http://127.0.0.1:${opts.port}/admin/` } : {}),
      // The user pool (the fake Cognito's) and the panel's app client, as the admin auth settings read them.
      PARLEY_COGNITO_ENDPOINT: cognito.url,
      PARLEY_USER_POOL_ID: cognito.userPoolId,
      PARLEY_ADMIN_CLIENT_ID: LOCAL_AUDIENCE,
      PARLEY_LOG_LEVEL: opts.logLevel ?? 'info',
      PARLEY_EDGE_SECRET: EDGE_SECRET,
      // The local sign-in's issuer and keys stand in for the user pool's when the admin function checks a token.
      PARLEY_ADMIN_ISSUER: LOCAL_ISSUER,
      PARLEY_ADMIN_JWKS: JSON.stringify(localIdentity.jwks),
      ...opts.env,
    });
    await ensureTable(dynamodbUrl, table, REGION);
    await ensureTable(dynamodbUrl, keysTable, REGION);
    const s3 = createS3Client({ region: REGION, endpoint: frontDoor.url });
    await ensureBucket(s3, bucket);
    s3.destroy();

    installLambdaGlobals();
    const loaded = await loadHandlers(opts.bundlesDir);
    const handlers: Record<FunctionName, unknown> = {
      'admin-api': loaded.handlers['admin-api'],
      'widget-api': loaded.handlers['widget-api'],
      'chat-stream': loaded.handlers['chat-stream'],
    };
    const queue = createIngestQueue(loaded.handlers.ingest as (e: SQSEvent, c: unknown) => Promise<SQSBatchResponse>, REGION, onError, opts.ingest);
    queueRef.current = queue;
    stops.push(() => queue.idle());
    const exportQueue = createIngestQueue(loaded.handlers['account-export'] as (e: SQSEvent, c: unknown) => Promise<SQSBatchResponse>, REGION, onError, {
      functionName: 'account-export',
      timeoutMs: EXPORT_TIMEOUT_SECONDS * 1000,
      ...(opts.ingest?.retryDelayMs !== undefined ? { retryDelayMs: opts.ingest.retryDelayMs } : {}),
    });
    queueRef.exports = exportQueue;
    stops.push(() => exportQueue.idle());
    const notifyQueue = createIngestQueue(loaded.handlers.notify as (e: SQSEvent, c: unknown) => Promise<SQSBatchResponse>, REGION, onError, {
      functionName: 'notify',
      timeoutMs: NOTIFY_TIMEOUT_SECONDS * 1000,
      ...(opts.ingest?.retryDelayMs !== undefined ? { retryDelayMs: opts.ingest.retryDelayMs } : {}),
    });
    queueRef.notify = notifyQueue;
    stops.push(() => {
      // Webhook retries wait hours: stopping drops them, as a queue's messages do not outlive a local run.
      notifyQueue.dropDelayed();
      return notifyQueue.idle();
    });
    const sweeper = loaded.handlers.sweeper as (e: unknown, c: unknown) => Promise<unknown>;

    // A platform running bundles imports no function code from the sources: each bundle holds its own adapters.
    const runtime = opts.bundlesDir ? undefined : (await import('../../lambdas/adapters/wiring.ts')).getRuntime();
    // Signing in is what confirms an invited user on AWS (they choose their password then).
    const identity: LocalIdentity = {
      ...localIdentity,
      signIn: async (email, options) => {
        const session = await localIdentity.signIn(email, options);
        await cognito.signedIn(email);
        return session;
      },
    };
    const server: http.Server = createApiServer({ handlers, identity, onError, uploadOrigin: new URL(frontDoor.url).origin, unavailable: () => dynamo?.unavailable(), checkAfterFailure: async () => dynamo?.checkAfterFailure(), ...(opts.cloudFront === false ? {} : { edgeSecret: EDGE_SECRET }) });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 0, '127.0.0.1', resolve);
    });
    stops.push(() => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }));
    const { port } = server.address() as AddressInfo;

    return {
      apiUrl: `http://127.0.0.1:${port}`,
      s3Url: frontDoor.url,
      dynamodbUrl,
      dataDir: opts.dataDir,
      table,
      keysTable,
      bucket,
      identity,
      cognito,
      edgeSecret: EDGE_SECRET,
      get deps(): Deps {
        if (!runtime) throw new Error('platform.deps: this platform runs bundles, whose adapters are their own; start it from the sources to reach them');
        return runtime.deps;
      },
      handlerFiles: loaded.files,
      sweep: () => sweeper({}, lambdaContext('sweeper', 300_000)),
      digest: (at = new Date()) => (loaded.handlers.notify as (e: unknown, c: unknown) => Promise<unknown>)(scheduledEvent(at), lambdaContext('notify', NOTIFY_TIMEOUT_SECONDS * 1000)),
      ingest: queue,
      exports: exportQueue,
      notify: notifyQueue,
      outbox,
      get javaPid() { return dynamo?.javaPid; },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
};
