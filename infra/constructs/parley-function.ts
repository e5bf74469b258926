/**
 * The one way Parley builds a Lambda function: Node.js 24 on arm64, an ESM
 * bundle from esbuild (minified, with source maps, split into chunks that load
 * on demand), its own log group with a retention, and its own role that starts
 * with nothing but log writes; every other permission is granted by the
 * construct that owns the resource.
 */
import { cpSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AssetHashType, DockerImage, Duration, Validations, type ILocalBundling } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { buildSync, type Metafile } from 'esbuild';
import { PDFJS_DATA_FOLDER } from '../../lambdas/adapters/parsers/pdfjs-data.ts';
import type { FunctionName } from '../../lambdas/http/routes.ts';

/** A Lambda entry point: one file `lambdas/handlers/<name>.ts` exporting `handler`. */
export type HandlerName = FunctionName | 'ingest' | 'account-export' | 'notify' | 'sweeper';

/** Every handler the stack deploys. */
export const handlerNames: readonly HandlerName[] = ['admin-api', 'widget-api', 'chat-stream', 'ingest', 'account-export', 'notify', 'sweeper'];

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Where a handler's entry file lives in this repository. */
export const defaultHandlerEntry = (name: HandlerName): string =>
  fileURLToPath(new URL(`../../lambdas/handlers/${name}.ts`, import.meta.url));

// ESM bundles of CommonJS dependencies still call `require` for Node built-ins.
const requireShim = "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

/**
 * Bundles one handler into `outputDir`: `index.mjs` (the function's handler
 * file) and `chunks/*.mjs`, each with its source map. Code reached only through
 * a dynamic `import()` (undici, the OpenAI and Anthropic SDKs) lands in chunks of
 * its own, loaded when first used instead of at every cold start; that needs
 * esbuild's code splitting, which NodejsFunction's single `--outfile` cannot do,
 * so the project's own esbuild runs here (locally, never in Docker).
 *
 * The AWS SDK for JavaScript v3 (`@aws-sdk/*`, `@smithy/*`) is bundled like any
 * other dependency, at the versions package-lock.json pins and the tests ran
 * against, rather than left to the copy the Node.js runtime ships, whose version
 * AWS chooses and changes on its own schedule. `mainFields` picks the SDK's ES
 * module builds, which esbuild can tree-shake; the SDK's own lazy imports (the
 * credential providers other than the environment's) stay chunks of their own.
 *
 * Three of the AWS Encryption SDK's dependencies are replaced (infra/bundle-shims):
 * readable-stream by Node's own `stream`, as readable-stream itself does when
 * told to; bn.js by the few operations the SDK uses, on BigInt; and asn1.js,
 * used only for ECDSA signatures, which Parley's algorithm suite never makes,
 * by a stub that fails loudly if it ever were.
 */
export const bundleHandler = (entry: string, outputDir: string): void => {
  const { metafile } = buildSync({
    entryPoints: { index: entry },
    absWorkingDir: repoRoot,
    outdir: outputDir,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    mainFields: ['module', 'main'],
    banner: { js: requireShim },
    // Node's own streams for readable-stream's copy, BigInt for bn.js, no ASN.1 library for signatures never made.
    alias: {
      'readable-stream': './infra/bundle-shims/readable-stream.ts',
      'asn1.js': './infra/bundle-shims/asn1-unused.ts',
      'bn.js': './infra/bundle-shims/bn.ts',
    },
    logLevel: 'warning',
    metafile: true,
  });
  copyPdfJsData(metafile, outputDir);
};

const pdfJsDataModule = 'lambdas/adapters/parsers/pdfjs-data.ts';

/**
 * pdf.js reads CMaps and standard font data from files (`pdfjs-data.ts` finds
 * them beside the bundle): a bundle that contains the PDF parser gets a copy of
 * the folder, every other bundle stays without its 2.5 MB.
 */
const copyPdfJsData = (metafile: Metafile, outputDir: string): void => {
  if (!Object.keys(metafile.inputs).includes(pdfJsDataModule)) return;
  cpSync(path.join(repoRoot, path.dirname(pdfJsDataModule), PDFJS_DATA_FOLDER), path.join(outputDir, PDFJS_DATA_FOLDER), { recursive: true });
};

/** {@link bundleHandler} as the CDK's asset bundling. */
class LocalBundling implements ILocalBundling {
  /** Relative to the repository; also what tells one function's asset from another's in the CDK's asset cache. */
  readonly entry: string;

  constructor(entry: string) {
    this.entry = path.relative(repoRoot, entry);
  }

  tryBundle(outputDir: string): boolean {
    bundleHandler(path.join(repoRoot, this.entry), outputDir);
    return true;
  }
}

/** Settings shared by every function of one stack. */
export interface FunctionDefaults {
  /** Environment variables every function gets (stage, table, bucket; see `lambdas/adapters/config.ts`). */
  readonly environment: Readonly<Record<string, string>>;
  /**
   * How long function logs are kept.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Resolves a handler's entry file.
   * @default defaultHandlerEntry (`lambdas/handlers/<name>.ts`)
   */
  readonly entryOf?: (name: HandlerName) => string;
  /**
   * Concurrency reserved per function, as the operator asked (deploy parameter
   * `reservedConcurrency`); a function's own `reservedConcurrentExecutions` wins.
   * @default - no function reserves any
   */
  readonly reservedConcurrency?: Readonly<Partial<Record<HandlerName, number>>>;
}

export interface ParleyFunctionProps {
  /** Which handler to deploy. */
  readonly handler: HandlerName;
  /** Settings shared by the stack's functions. */
  readonly defaults: FunctionDefaults;
  /** What the function does, shown in the console. */
  readonly description: string;
  /**
   * Memory in MiB; CPU scales with it.
   * @default 512
   */
  readonly memorySize?: number;
  /**
   * Maximum run time.
   * @default Duration.seconds(29), just under CloudFront's default origin read timeout (30 s)
   */
  readonly timeout?: Duration;
  /**
   * Variables for this function only, merged over `defaults.environment`.
   * @default - none
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Concurrent runs this function may have at most, out of the account's pool.
   * @default - `defaults.reservedConcurrency` for this handler, else no reservation
   */
  readonly reservedConcurrentExecutions?: number;
}

/** A Parley Lambda function; grant to it directly (`table.grantReadData(fn)`). */
export class ParleyFunction extends Construct implements iam.IGrantable {
  readonly handlerName: HandlerName;
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly grantPrincipal: iam.IPrincipal;

  constructor(scope: Construct, id: string, props: ParleyFunctionProps) {
    super(scope, id);
    const { defaults } = props;
    this.handlerName = props.handler;

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: defaults.logRetention ?? logs.RetentionDays.ONE_MONTH,
    });

    // An own role instead of the default one: the default attaches the AWS
    // managed AWSLambdaBasicExecutionRole, which may write to any log group.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Parley ${props.handler} function`,
    });
    this.logGroup.grantWrite(this.role);
    this.grantPrincipal = this.role;

    const reserved = props.reservedConcurrentExecutions ?? defaults.reservedConcurrency?.[props.handler];
    this.function = new NodejsFunction(this, 'Function', {
      // Built by bundleHandler: hashed by its output, so an unchanged bundle is not deployed again.
      code: lambda.Code.fromAsset(repoRoot, {
        assetHashType: AssetHashType.OUTPUT,
        bundling: { image: DockerImage.fromRegistry('scratch'), local: new LocalBundling((defaults.entryOf ?? defaultHandlerEntry)(props.handler)) },
      }),
      handler: 'index.handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      description: props.description,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(29),
      ...(reserved !== undefined ? { reservedConcurrentExecutions: reserved } : {}),
      role: this.role,
      // Traces show where a slow answer spent its time (no payloads; sampled by X-Ray's default rule).
      tracing: lambda.Tracing.ACTIVE,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      environment: {
        ...defaults.environment,
        ...props.environment,
        NODE_OPTIONS: '--enable-source-maps',
      },
    });
    acknowledgeFunction(this, props.handler);
  }
}

/** cdk-nag findings every Parley function answers the same way. */
const acknowledgeFunction = (fn: ParleyFunction, handler: HandlerName): void => {
  Validations.of(fn.role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'Written by tracing: ACTIVE. X-Ray\'s PutTraceSegments and PutTelemetryRecords have no resource to name, so IAM requires "*" for them; every other statement of this role names its resources.',
  });
  const dlq: Record<HandlerName, string> = {
    'admin-api': 'Invoked synchronously through its function URL behind CloudFront; the caller sees the error and no event is left to keep.',
    'widget-api': 'Invoked synchronously through its function URL behind CloudFront; the caller sees the error and no event is left to keep.',
    'chat-stream': 'Invoked synchronously through its function URL (response streaming); the visitor sees the error.',
    ingest: 'Invoked by the SQS event source, not asynchronously: a failing message is retried and then moved to the ingest queue\'s dead-letter queue, which alarms.',
    'account-export': 'Invoked by the SQS event source, not asynchronously: a failing export is retried and then moved to the export queue\'s dead-letter queue, which alarms.',
    notify: 'Invoked by the SQS event source, not asynchronously: a failing event is retried and then moved to the notify queue\'s dead-letter queue, which alarms.',
    sweeper: 'The daily sweep is idempotent and the next run redoes whatever one missed; a failure raises the function\'s errors alarm.',
  };
  Validations.of(fn.function).acknowledge({ id: 'Serverless-LambdaDLQ', reason: dlq[handler] });
};
