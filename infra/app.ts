/**
 * The CDK app (`cdk.json`: `node infra/app.ts`). It reads the deploy
 * parameters from context, builds the Parley stack into the chosen region and
 * runs the cdk-nag AWS Solutions checks on every synth, so a finding fails
 * `cdk synth` unless it is acknowledged with a reason next to the resource.
 *
 * Deploy parameters (CDK context, e.g. `cdk deploy -c stage=prod -c region=eu-central-1`):
 * - `region`: AWS region for the stack and all tenant data (default `eu-west-1`).
 * - `stage`: deployment name, part of the stack name `Parley-<stage>` (default `dev`).
 * - `logRetentionDays`: CloudWatch Logs retention for function and access logs (default 30).
 * - `alarmEmail`: optional address for alarms.
 *
 * The account is left to the CLI's credentials at deploy time; synth needs none.
 */
import { App, Validations } from 'aws-cdk-lib';
import type { AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { HandlerName } from './constructs/parley-function.ts';
import { readDeployParameters } from './parameters.ts';
import type { DeployParameters } from './parameters.ts';
import { ParleyStack } from './parley-stack.ts';

export interface ParleyAppOptions {
  /**
   * Context for the app; the CLI passes `cdk.json`'s context and `-c` values itself.
   * @default - from the CLI, or none
   */
  readonly context?: AppProps['context'];
  /**
   * Where the cloud assembly is written.
   * @default - the CLI's output directory, or a temporary directory
   */
  readonly outdir?: string;
  /**
   * Resolves a handler's entry file.
   * @default `lambdas/handlers/<name>.ts`
   */
  readonly handlerEntry?: (name: HandlerName) => string;
}

export interface ParleyApp {
  readonly app: App;
  readonly stack: ParleyStack;
  readonly parameters: DeployParameters;
}

/** Builds the app: validated parameters, the stack, and cdk-nag as a synth-time validation. */
export const createParleyApp = (options: ParleyAppOptions = {}): ParleyApp => {
  const app = new App({
    ...(options.context ? { context: options.context } : {}),
    ...(options.outdir ? { outdir: options.outdir } : {}),
  });
  const parameters = readDeployParameters(app.node);
  const stack = new ParleyStack(app, `Parley-${parameters.stage}`, {
    env: { region: parameters.region },
    description: `Parley privacy-first RAG chatbot builder (${parameters.stage})`,
    tags: { project: 'parley', stage: parameters.stage },
    parameters,
    ...(options.handlerEntry ? { handlerEntry: options.handlerEntry } : {}),
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack, parameters };
};

if (import.meta.main) createParleyApp();
