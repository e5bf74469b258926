/**
 * Deploy parameters: what an operator chooses per deployment, read from CDK
 * context (`cdk.json` or `cdk deploy -c stage=prod -c region=eu-central-1`)
 * and validated once, so a typo fails the synth with a readable message
 * instead of producing a half-configured stack.
 *
 * `-c` values arrive as strings, so lists accept `a,b` as well as arrays,
 * objects accept JSON text, and booleans accept `true`/`false`.
 */
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import * as z from 'zod';
import { BEDROCK_MODEL_PATTERN, bedrockModelRefusal } from '../lambdas/core/bedrock-models.ts';
import { PLATFORM_KEY_PROVIDERS, PROVIDERS, type ProviderId } from '../lambdas/core/providers.ts';
import { bedrockModelProblem } from '../lambdas/core/residency.ts';
import { handlerNames, type HandlerName } from './constructs/parley-function.ts';
import { namingProblems } from './naming.ts';

const retentionChoices: readonly number[] = Object.values(RetentionDays).filter((v) => typeof v === 'number');

/** `a,b` (from `-c`) or `["a","b"]` (from cdk.json) → a list. */
const listOf = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : v), z.array(item));

/** JSON text (from `-c`) or an object (from cdk.json) → an object. */
const jsonObject = <T extends z.ZodType>(shape: T) =>
  z.preprocess((v) => {
    if (typeof v !== 'string') return v;
    try {
      return JSON.parse(v) as unknown;
    } catch {
      return v;
    }
  }, shape);

/** `true`/`false` (from `-c`) or a boolean. */
const flag = z.preprocess((v) => (v === 'true' ? true : v === 'false' ? false : v), z.boolean({ error: 'expected true or false' }));

/** A Secrets Manager secret name: letters, digits and `/_+=.@-`, as Secrets Manager allows. */
const secretName = z.string().regex(/^[A-Za-z0-9/_+=.@-]{1,512}$/, 'expected a Secrets Manager secret name such as parley/openai');

const certificateArn = z
  .string()
  .regex(
    /^arn:aws:acm:us-east-1:\d{12}:certificate\/[0-9a-f-]{36}$/,
    'expected an ACM certificate ARN in us-east-1 (CloudFront only uses certificates from us-east-1)',
  );

const fields = z.object({
  /**
   * AWS region the stack deploys to; it is where every byte of tenant data
   * lives (choose an EU region for EU residency).
   */
  region: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'expected an AWS region such as eu-west-1')
    .default('eu-west-1'),
  /**
   * Deployment name (`dev`, `prod`, …); part of the stack names and every physical name, so one
   * account can hold several. Also checked against each service's naming rules (`naming.ts`).
   */
  stage: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,19}$/, 'expected lower-case letters, digits and dashes, starting with a letter, at most 20 characters')
    .default('dev'),
  /** How long CloudWatch keeps function and access logs, in days; one of the values CloudWatch Logs accepts. */
  logRetentionDays: z.coerce
    .number()
    .int()
    .refine((days) => retentionChoices.includes(days), `expected one of ${retentionChoices.join(', ')}`)
    .transform((days) => days as RetentionDays)
    .default(RetentionDays.ONE_MONTH),
  /** Where alarms are e-mailed; without it the alarm topic has no subscriber until the operator adds one. */
  alarmEmail: z.email().optional(),
  /** Custom domain name of the distribution (`chat.example.com`); needs `certificateArn`. */
  domain: z
    .string()
    .regex(/^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'expected a lower-case domain name such as chat.example.com')
    .optional(),
  /** ACM certificate for `domain`, in us-east-1 (CloudFront's region for certificates). */
  certificateArn: certificateArn.optional(),
  /** Providers the deployment may call; the others are refused (default: all). */
  allowedProviders: listOf(z.enum(PROVIDERS))
    .refine((list) => list.length > 0, 'expected at least one provider')
    .transform((list) => [...new Set(list)])
    .default([...PROVIDERS]),
  /**
   * Platform provider keys: provider → Secrets Manager secret name (`{"openai":"parley/openai"}`);
   * `openai-compatible` endpoints are the owners' own, so they have no platform key.
   */
  platformKeySecrets: jsonObject(z.partialRecord(z.enum(PLATFORM_KEY_PROVIDERS), secretName)).optional(),
  /**
   * Amazon Bedrock models and inference profiles owners may choose (`eu.anthropic.claude-…,amazon.titan-embed-text-v2:0`);
   * the functions may invoke exactly these. Titan Text Embeddings V2 among them makes Bedrock the default
   * embedder of new bots. None by default: no Bedrock.
   */
  bedrockModels: listOf(z.string().regex(BEDROCK_MODEL_PATTERN, 'expected a Bedrock model or inference profile id such as eu.anthropic.claude-sonnet-4-5-20250929-v1:0'))
    .transform((list) => [...new Set(list)])
    .optional(),
  /** Conversation retention of new accounts, in days (0: conversations are not kept); owners change it per account. */
  conversationRetentionDays: z.coerce.number().int('expected whole days').min(0).max(3650).default(90),
  /** `eu`: tenant data and model calls stay in the EU; needs an `eu-*` region. */
  residency: z.enum(['none', 'eu']).default('none'),
  /** Whether anyone may create an admin account from the sign-in page (otherwise invited only). */
  selfSignUp: flag.default(false),
  /**
   * The first owner: Cognito creates their sign-in (address verified) at deploy time and e-mails
   * them a temporary password and the admin panel's address. Or later: `npm run operator -- create-owner <email>`.
   */
  firstOwnerEmail: z.email('expected an e-mail address such as owner@example.com').max(254).transform((e) => e.toLowerCase()).optional(),
  /** Per-account spend alarm: model spend of one account in one hour, in US dollars. */
  spendAlarmUsdPerHour: z.coerce.number().positive().max(100_000).default(5),
  /** Most ingest invocations at once (2 to 1000, SQS event source maximum concurrency). */
  ingestConcurrency: z.coerce.number().int().min(2).max(1000).default(5),
  /**
   * Concurrency reserved per function (`{"ingest":5}`), none by default: a reservation takes
   * executions out of the account's pool, and Lambda keeps 100 unreserved, so an account whose
   * quota is still 10 cannot reserve any. Ingest is capped by `ingestConcurrency` either way.
   */
  reservedConcurrency: jsonObject(z.record(z.string(), z.number().int('expected a whole number').min(1).max(1000)).check((ctx) => {
    for (const name of Object.keys(ctx.value)) {
      if (!(handlerNames as readonly string[]).includes(name)) {
        ctx.issues.push({ code: 'custom', input: ctx.value, path: [name], message: `not a function: expected one of ${handlerNames.join(', ')}` });
      }
    }
  }).transform((r) => r as Partial<Record<HandlerName, number>>)).optional(),
  /**
   * The verified Amazon SES identity notification e-mails are sent from, in the stack's region: a
   * domain (`example.com`, sent as `notifications@example.com`) or an address. Without it, e-mail is off.
   */
  sesSenderIdentity: z
    .preprocess((v) => (typeof v === 'string' ? v.trim().toLowerCase() : v), z.union([
      z.email('expected a verified SES identity: a domain such as example.com or an e-mail address').max(254),
      z.string().regex(/^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'expected a verified SES identity: a domain such as example.com or an e-mail address'),
    ]))
    .optional(),
  /** A WAF web ACL in front of the distribution (in the us-east-1 edge stack); about $12/month. */
  waf: flag.default(true),
});

export const deployParametersSchema = fields.superRefine((p, ctx) => {
  for (const problem of namingProblems(p.stage, p.region)) {
    ctx.addIssue({ code: 'custom', path: ['stage'], message: `${p.stage} in ${p.region}: ${problem}` });
  }
  if ((p.domain === undefined) !== (p.certificateArn === undefined)) {
    ctx.addIssue({ code: 'custom', path: [p.domain ? 'certificateArn' : 'domain'], message: 'domain and certificateArn are given together or not at all' });
  }
  if (p.residency === 'eu' && !p.region.startsWith('eu-')) {
    ctx.addIssue({ code: 'custom', path: ['residency'], message: `residency eu needs an eu-* region, not ${p.region}` });
  }
  const ingestReserved = p.reservedConcurrency?.ingest;
  if (ingestReserved !== undefined && ingestReserved < p.ingestConcurrency) {
    ctx.addIssue({
      code: 'custom', path: ['reservedConcurrency', 'ingest'],
      message: `${ingestReserved} is below ingestConcurrency (${p.ingestConcurrency}): the queue would be throttled and documents would fail`,
    });
  }
  for (const model of p.bedrockModels ?? []) {
    const refusal = bedrockModelRefusal(model);
    if (refusal) {
      ctx.addIssue({ code: 'custom', path: ['bedrockModels'], message: refusal });
      continue;
    }
    const outside = bedrockModelProblem(p.residency, p.region, model);
    if (outside) ctx.addIssue({ code: 'custom', path: ['bedrockModels'], message: outside });
  }
  if ((p.bedrockModels ?? []).length > 0 && !p.allowedProviders.includes('bedrock')) {
    ctx.addIssue({ code: 'custom', path: ['bedrockModels'], message: 'bedrock is not in allowedProviders' });
  }
  for (const provider of Object.keys(p.platformKeySecrets ?? {})) {
    if (!p.allowedProviders.includes(provider as ProviderId)) {
      ctx.addIssue({ code: 'custom', path: ['platformKeySecrets', provider], message: `${provider} is not in allowedProviders` });
    }
  }
});

/** Validated deploy parameters. */
export type DeployParameters = z.output<typeof deployParametersSchema>;

/** The context keys the app reads, in the order they are documented. */
export const deployParameterKeys = Object.keys(fields.shape) as (keyof DeployParameters)[];

/**
 * Reads the deploy parameters from the construct tree's context and validates
 * them; throws one error naming every bad parameter.
 */
export const readDeployParameters = (node: Node): DeployParameters => {
  const raw = Object.fromEntries(deployParameterKeys.map((key) => [key, node.tryGetContext(key) as unknown]));
  const parsed = deployParametersSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid Parley deploy parameters (CDK context): ${problems}`);
  }
  return parsed.data;
};
