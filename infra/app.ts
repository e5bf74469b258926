/**
 * The CDK app (`cdk.json`: `node infra/app.ts`). It reads the deploy
 * parameters from context, builds the Parley stack into the chosen region (and,
 * with the WAF on, the edge stack in us-east-1, where CloudFront web ACLs must
 * live), and runs cdk-nag's AWS Solutions and Serverless checks on every synth,
 * so a finding fails `cdk synth` unless it is acknowledged with a reason next
 * to the resource. `cdk deploy --all` deploys both stacks, the edge stack first.
 *
 * Deploy parameters (CDK context, e.g. `cdk deploy --all -c stage=prod -c region=eu-central-1`):
 * - `region`: AWS region for the stack and all tenant data (default `eu-west-1`).
 * - `stage`: deployment name, part of the stack names `Parley-<stage>` and `Parley-<stage>-edge-<region>`
 *   and of every physical name (`naming.ts`), checked against each service's naming rules (default `dev`).
 * - `logRetentionDays`: CloudWatch Logs retention for function and access logs (default 30).
 * - `alarmEmail`: optional address for alarms.
 * - `domain`, `certificateArn`: optional custom domain of the distribution and its ACM certificate
 *   (in us-east-1); given together or not at all.
 * - `allowedProviders`: model providers owners may use, a subset of `openai,anthropic,openai-compatible` (default all).
 * - `platformKeySecrets`: optional JSON object provider → Secrets Manager secret name of the platform's
 *   key, e.g. `{"openai":"parley/openai"}`; the functions may read exactly those secrets.
 * - `conversationRetentionDays`: conversation retention of new accounts, 0 to 3650 days (default 90).
 * - `residency`: `none` or `eu` (data and model calls in the EU; needs an `eu-*` region). Default `none`.
 * - `selfSignUp`: whether anyone may sign up on the hosted sign-in page (default false: invited only).
 * - `spendAlarmUsdPerHour`: alarm when one account's model spend in an hour exceeds this (default 5).
 * - `ingestConcurrency`: most ingest invocations at once, the queue's maximum concurrency (default 5).
 * - `reservedConcurrency`: optional JSON object function → reserved concurrency, e.g. `{"ingest":5}`
 *   (default none: new accounts often have too little quota to reserve any).
 * - `waf`: the WAF web ACL in front of CloudFront, about $12/month (default true).
 *
 * The account is left to the CLI's credentials at deploy time; synth needs none.
 */
import { App, Validations } from 'aws-cdk-lib';
import type { AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import type { HandlerName } from './constructs/parley-function.ts';
import { EdgeStack } from './edge-stack.ts';
import { Naming } from './naming.ts';
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
  /** The Parley stack, in the deploy region. */
  readonly stack: ParleyStack;
  /** The us-east-1 stack with the CloudFront web ACL; absent when `waf` is false. */
  readonly edge: EdgeStack | undefined;
  readonly parameters: DeployParameters;
}

/** Builds the app: validated parameters, the stacks, and cdk-nag as a synth-time validation. */
export const createParleyApp = (options: ParleyAppOptions = {}): ParleyApp => {
  const app = new App({
    ...(options.context ? { context: options.context } : {}),
    ...(options.outdir ? { outdir: options.outdir } : {}),
  });
  const parameters = readDeployParameters(app.node);
  const tags = { project: 'parley', stage: parameters.stage };
  const { stage, region } = parameters;
  const edge = parameters.waf
    ? new EdgeStack(app, `Parley-${stage}-edge-${region}`, {
      env: { region: 'us-east-1' },
      crossRegionReferences: true,
      description: `Parley edge protection for CloudFront (${stage} in ${region})`,
      tags,
      metricPrefix: `Parley-${stage}-${region}`,
      naming: new Naming(stage, region),
    })
    : undefined;
  const stack = new ParleyStack(app, `Parley-${parameters.stage}`, {
    env: { region: parameters.region },
    crossRegionReferences: true,
    description: `Parley privacy-first RAG chatbot builder (${parameters.stage})`,
    tags,
    parameters,
    ...(edge ? { webAclArn: edge.webAcl.attrArn } : {}),
    ...(options.handlerEntry ? { handlerEntry: options.handlerEntry } : {}),
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  return { app, stack, edge, parameters };
};

if (import.meta.main) createParleyApp();
