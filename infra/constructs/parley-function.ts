/**
 * The one way Parley builds a Lambda function: Node.js 24 on arm64, an ESM
 * bundle from esbuild (minified, with source maps), its own log group with a
 * retention, and its own role that starts with nothing but log writes; every
 * other permission is granted by the construct that owns the resource.
 */
import { fileURLToPath } from 'node:url';
import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { FunctionName } from '../../lambdas/http/routes.ts';

/** A Lambda entry point: one file `lambdas/handlers/<name>.ts` exporting `handler`. */
export type HandlerName = FunctionName | 'ingest' | 'sweeper';

/** Every handler the stack deploys. */
export const handlerNames: readonly HandlerName[] = ['admin-api', 'widget-api', 'chat-stream', 'ingest', 'sweeper'];

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Where a handler's entry file lives in this repository. */
export const defaultHandlerEntry = (name: HandlerName): string =>
  fileURLToPath(new URL(`../../lambdas/handlers/${name}.ts`, import.meta.url));

// ESM bundles of CommonJS dependencies still call `require` for Node built-ins.
const requireShim = "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

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
   * @default Duration.seconds(29), just under the HTTP API's integration timeout
   */
  readonly timeout?: Duration;
  /**
   * Variables for this function only, merged over `defaults.environment`.
   * @default - none
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Concurrent runs this function may have at most, out of the account's pool.
   * @default - no reservation
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

    this.function = new NodejsFunction(this, 'Function', {
      entry: (defaults.entryOf ?? defaultHandlerEntry)(props.handler),
      handler: 'handler',
      projectRoot: repoRoot,
      depsLockFilePath: `${repoRoot}package-lock.json`,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      description: props.description,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(29),
      ...(props.reservedConcurrentExecutions !== undefined ? { reservedConcurrentExecutions: props.reservedConcurrentExecutions } : {}),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      environment: {
        ...defaults.environment,
        ...props.environment,
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node24',
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        mainFields: ['module', 'main'],
        banner: requireShim,
        // Bundle the AWS SDK too: the code runs against the SDK versions it was tested with.
        bundleAwsSDK: true,
      },
    });
  }
}
