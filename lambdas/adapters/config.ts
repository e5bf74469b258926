/**
 * Environment read once at cold start and validated, so a misconfigured
 * function fails at start with a clear message instead of at the first request.
 * The same variables are set by the CDK stack on AWS and by the local platform.
 */
import type { JSONWebKeySet } from 'jose';
import * as z from 'zod/mini';
import '../shared/zod-messages.ts';
import { MAX_ANSWER_MS, PROVIDER_IDLE_TIMEOUT_MS, SSE_HEARTBEAT_MS } from '../core/limits.ts';
import { isProvider, PLATFORM_KEY_PROVIDERS, PROVIDERS, type PlatformKeyProvider, type ProviderId } from '../core/providers.ts';
import { BEDROCK_MODEL_PATTERN } from '../core/bedrock-models.ts';
import { bedrockModelProblem, EU_OPENAI_BASE_URL, onAllowlist, regionProblem } from '../core/residency.ts';
import { clientIdSchema, userPoolIdSchema } from './auth/admin-auth-settings.ts';

const optionalUrl = z.optional(z.url());
const text = (min: number) => z.string().check(z.minLength(min));
/** A whole number from an environment string, within bounds. */
const wholeNumber = (min: number, max: number) => z.coerce.number().check(z.multipleOf(1, 'expected a whole number'), z.minimum(min), z.maximum(max));

// OpenAI's EU data-residency endpoint: the adapters' default under `PARLEY_RESIDENCY=eu`.
export { EU_OPENAI_BASE_URL };

/** An unset variable and an empty one mean the same: CDK and shells often pass empty strings. */
const blankAsUnset = <S extends z.core.$ZodType>(schema: S) => z.pipe(z.transform((value: unknown) => (value === '' ? undefined : value)), schema);

/** Adds a problem to a transform's result (zod's mini build has no `addIssue`). */
const problem = (ctx: z.core.ParsePayload, message: string): never => {
  ctx.issues.push({ code: 'custom', message, input: ctx.value });
  return z.NEVER;
};

/** `openai,anthropic` → the list; unset or blank → all three; `none` → no provider at all (Parley's own answerer and embedder only). */
const allowedProviders = z.pipe(blankAsUnset(z.optional(z.string())), z.transform((value: string | undefined, ctx): ProviderId[] => {
  if (value === undefined) return [...PROVIDERS];
  const names = [...new Set(value.split(',').map((n) => n.trim().toLowerCase()).filter(Boolean))];
  if (names.length === 1 && names[0] === 'none') return [];
  const unknown = names.filter((n) => !isProvider(n));
  if (unknown.length > 0 || names.length === 0) {
    return problem(ctx, `unknown provider ${unknown.map((n) => `"${n}"`).join(', ')}: expected a comma-separated list of ${PROVIDERS.join(', ')}, or none`);
  }
  return names.filter(isProvider);
}));

/** `eu.anthropic.claude-sonnet-4-5-20250929-v1:0,amazon.titan-embed-text-v2:0` → the list; unset or blank → none (no Bedrock). */
const bedrockModels = z.pipe(z._default(z.string(), ''), z.transform((value: string, ctx): string[] => {
  const ids = [...new Set(value.split(',').map((id) => id.trim()).filter(Boolean))];
  const bad = ids.filter((id) => !BEDROCK_MODEL_PATTERN.test(id));
  return bad.length > 0 ? problem(ctx, `not a Bedrock model or inference profile id: ${bad.map((id) => `"${id}"`).join(', ')}`) : ids;
}));

const secretName = z.optional(z.string().check(z.minLength(1), z.maxLength(2048)));
const secretNames = z.strictObject(Object.fromEntries(PLATFORM_KEY_PROVIDERS.map((p) => [p, secretName])) as Record<PlatformKeyProvider, typeof secretName>);

/** `{"openai":"parley/openai"}` → provider → Secrets Manager secret name or ARN. Owner endpoints have no platform key. */
const platformKeySecrets = z.pipe(blankAsUnset(z.optional(z.string())), z.transform((value: string | undefined, ctx): Partial<Record<PlatformKeyProvider, string>> => {
  if (value === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return problem(ctx, 'expected a JSON object such as {"openai":"parley/openai"}');
  }
  const checked = z.safeParse(secretNames, parsed);
  if (!checked.success) {
    return problem(ctx, `expected a JSON object from ${PLATFORM_KEY_PROVIDERS.join(' and/or ')} to a secret name or ARN (${checked.error.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.message}`).join('; ')})`);
  }
  return Object.fromEntries(Object.entries(checked.data).filter(([, name]) => name !== undefined));
}));

export const configSchema = z.object({
  /** `local` allows loopback origins and local-only conveniences; `aws` is production. */
  PARLEY_STAGE: z._default(z.enum(['local', 'aws']), 'aws'),
  PARLEY_TABLE: text(3),
  /** Wrapped account content keys, kept apart from the data (shorter-lived backups). */
  PARLEY_KEYS_TABLE: text(3),
  PARLEY_BUCKET: text(3),
  AWS_REGION: z._default(text(1), 'eu-west-1'),
  /** Endpoint overrides used by the local platform (DynamoDB Local, the S3 emulator). */
  PARLEY_DYNAMODB_ENDPOINT: optionalUrl,
  PARLEY_S3_ENDPOINT: optionalUrl,
  /** Local platform only: a 32-byte raw AES key file (owner-only permissions). */
  PARLEY_LOCAL_MASTER_KEY_FILE: z.optional(text(1)),
  /** AWS: the KMS keys that wrap account content keys and owner secrets. */
  PARLEY_CONTENT_KMS_KEY_ID: z.optional(text(1)),
  PARLEY_SECRETS_KMS_KEY_ID: z.optional(text(1)),
  /** Operator overrides of the providers' API base URLs (EU endpoints; the fake provider in tests). */
  PARLEY_OPENAI_BASE_URL: optionalUrl,
  PARLEY_ANTHROPIC_BASE_URL: optionalUrl,
  /** Operator allowlist for owner-supplied endpoints: comma-separated `host` or `host:port`. */
  PARLEY_EGRESS_ALLOW_HOSTS: z.pipe(z._default(z.string(), ''), z.transform((v: string) => v.split(',').map((h) => h.trim()).filter(Boolean))),
  /** The platform's own provider keys (local and tests; on AWS they come from Secrets Manager). */
  PARLEY_PLATFORM_OPENAI_KEY: z.optional(text(1)),
  PARLEY_PLATFORM_ANTHROPIC_KEY: z.optional(text(1)),
  /** AWS: the platform's keys in Secrets Manager, `{"openai":"<secret name or ARN>","anthropic":"…"}`; a provider named here ignores its env key. */
  PARLEY_PLATFORM_KEY_SECRETS: platformKeySecrets,
  /** Endpoint override for Secrets Manager (tests). */
  PARLEY_SECRETS_MANAGER_ENDPOINT: optionalUrl,
  /**
   * Residency profile. `eu`: the functions must run in an `eu-*` region, OpenAI is
   * reached only through its EU data-residency endpoint, Anthropic is refused, and
   * owners' OpenAI-compatible endpoints only on hosts of PARLEY_EGRESS_ALLOW_HOSTS
   * (which the operator declares to be inside the EU). Enforced in core/residency.ts.
   */
  PARLEY_RESIDENCY: blankAsUnset(z._default(z.enum(['none', 'eu']), 'none')),
  /** The model providers owners may choose: comma-separated `openai`, `anthropic`, `openai-compatible`, `bedrock`, or `none`; all when unset. */
  PARLEY_ALLOWED_PROVIDERS: allowedProviders,
  /**
   * The Amazon Bedrock models and inference profiles the operator approved, comma-separated
   * (the functions' role may invoke exactly these); `amazon.titan-embed-text-v2:0` among them
   * enables Bedrock embeddings. Unset: no Bedrock.
   */
  PARLEY_BEDROCK_MODELS: bedrockModels,
  /** Endpoint override for the Bedrock runtime (the fake Bedrock in tests). */
  PARLEY_BEDROCK_ENDPOINT: optionalUrl,
  /** Conversation retention (days) given to new accounts; the built-in default when unset. */
  PARLEY_DEFAULT_CONVERSATION_RETENTION_DAYS: blankAsUnset(z.optional(wholeNumber(0, 3650))),
  /** The ingest queue, for re-ingest requests (admin function). */
  PARLEY_INGEST_QUEUE_URL: optionalUrl,
  /** The account-export queue, for export requests (admin function). */
  PARLEY_EXPORT_QUEUE_URL: optionalUrl,
  /** Endpoint override: the local platform's SQS endpoint. */
  PARLEY_SQS_ENDPOINT: optionalUrl,
  /** The notify queue, for events (handoffs, leads) the notify function delivers. */
  PARLEY_NOTIFY_QUEUE_URL: optionalUrl,
  /** The From address of notification e-mails, at the operator's verified SES identity; unset, e-mail is off. */
  PARLEY_SES_SENDER: blankAsUnset(z.optional(z.string().check(z.regex(/^[^\s@<>]{1,64}@[^\s@<>]{1,253}$/, 'expected an e-mail address such as parley@example.com')))),
  /** The SES identity's ARN (the deploy parameter's identity), which the function may send from. */
  PARLEY_SES_IDENTITY_ARN: blankAsUnset(z.optional(z.string().check(z.regex(/^arn:aws[a-z-]*:ses:[a-z0-9-]+:\d{12}:identity\/[^\s]+$/, 'expected an SES identity ARN')))),
  /** Endpoint override for SES: the local outbox. */
  PARLEY_SES_ENDPOINT: optionalUrl,
  /** Local platform only: the outbox that keeps the text of sent e-mails, for the panel to show; unset on AWS, where none is kept. */
  PARLEY_LOCAL_OUTBOX_URL: optionalUrl,
  /** The admin panel's address, for links in notification e-mails. */
  PARLEY_PANEL_URL: optionalUrl,
  /**
   * Local platform and tests only, refused on AWS: where posts to Slack's incoming webhooks (`https://hooks.slack.com/…`)
   * go instead, path and query kept (a loopback stand-in that answers as Slack does; its host must be in PARLEY_EGRESS_ALLOW_HOSTS).
   */
  PARLEY_SLACK_WEBHOOK_ENDPOINT: optionalUrl,
  /** Tests: the waits before webhook retries, comma-separated seconds (`WEBHOOK_RETRY_DELAYS_SECONDS` when unset). */
  PARLEY_WEBHOOK_RETRY_DELAYS_SECONDS: blankAsUnset(z.optional(z.pipe(z.string(), z.transform((value: string, ctx): number[] => {
    const delays = value.split(',').map((v) => Number(v.trim()));
    return delays.length > 0 && delays.length <= 20 && delays.every((d) => Number.isFinite(d) && d > 0 && d <= 86_400) ? delays : problem(ctx, 'expected comma-separated seconds, each above 0 and at most 86400');
  })))),
  /** AWS: the secret CloudFront sends as `x-parley-edge-secret`, proving its `x-parley-viewer-address` header. */
  PARLEY_EDGE_SECRET: z.optional(text(16)),
  /** AWS (admin function): the SSM parameter naming the user pool and the panel's app client, `/parley/<stage>/admin-auth`. */
  PARLEY_ADMIN_AUTH_PARAMETER: blankAsUnset(z.optional(z.string().check(z.regex(/^\/parley\/[a-z][a-z0-9-]{0,19}\/admin-auth$/, 'expected /parley/<stage>/admin-auth')))),
  /** Local platform and tests: the user pool and the panel's app client themselves (on AWS they come from the SSM parameter). */
  PARLEY_USER_POOL_ID: blankAsUnset(z.optional(userPoolIdSchema)),
  PARLEY_ADMIN_CLIENT_ID: blankAsUnset(z.optional(clientIdSchema)),
  /** Local platform only: the local sign-in's issuer and its public keys (a JSON Web Key Set), instead of Cognito's. */
  PARLEY_ADMIN_ISSUER: blankAsUnset(z.optional(text(1))),
  PARLEY_ADMIN_JWKS: blankAsUnset(z.optional(z.pipe(z.string(), z.transform((value: string, ctx) => {
    try {
      const parsed = JSON.parse(value) as { keys?: unknown };
      if (Array.isArray(parsed.keys) && parsed.keys.length > 0) return parsed as JSONWebKeySet;
    } catch {
      // reported below
    }
    return problem(ctx, 'expected a JSON Web Key Set, {"keys":[…]}');
  })))),
  /** Endpoint override for SSM (tests). */
  PARLEY_SSM_ENDPOINT: optionalUrl,
  /** Endpoint override for Cognito: the local platform's fake Cognito. */
  PARLEY_COGNITO_ENDPOINT: optionalUrl,
  /** `true`: people sign themselves up, so an invitation creates no sign-in (the `selfSignUp` deploy parameter). */
  PARLEY_SELF_SIGN_UP: blankAsUnset(z._default(z.pipe(z.enum(['true', 'false']), z.transform((v: 'true' | 'false') => v === 'true')), false)),
  /** AWS: the role a function assumes, tagged with the account, for that account's data (absent locally and in the sweeper). */
  /** Endpoint override for STS (the fake STS in tests). */
  PARLEY_STS_ENDPOINT: optionalUrl,
  PARLEY_TENANT_ROLE_ARN: z.optional(z.string().check(z.regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, 'expected an IAM role ARN'))),
  /** Pause between a website crawl's requests (robots.txt may ask for more). */
  PARLEY_CRAWL_DELAY_MS: z._default(wholeNumber(0, 10_000), 500),
  /** The longest a provider may stay silent (before its first byte, or between two) before the answer is stopped. */
  PARLEY_PROVIDER_IDLE_TIMEOUT_MS: z._default(wholeNumber(100, 300_000), PROVIDER_IDLE_TIMEOUT_MS),
  /** Silence after which a streamed answer sends an SSE comment, keeping proxies from timing it out (see core/limits.ts). */
  PARLEY_SSE_HEARTBEAT_MS: z._default(wholeNumber(50, 60_000), SSE_HEARTBEAT_MS),
  /** The longest a streamed answer may take before it is stopped with an error event and recorded unanswered. */
  PARLEY_MAX_ANSWER_MS: z._default(wholeNumber(100, 600_000), MAX_ANSWER_MS),
  PARLEY_LOG_LEVEL: z._default(z.enum(['debug', 'info', 'warn', 'error']), 'info'),
});

export type Config = z.output<typeof configSchema>;

/** What the residency profile requires of the rest of the configuration, as `variable: problem`. */
const profileProblems = (config: Config): string[] => {
  if (config.PARLEY_RESIDENCY !== 'eu') return [];
  const problems: string[] = [];
  const region = regionProblem(config.PARLEY_RESIDENCY, config.AWS_REGION);
  if (region) problems.push(`AWS_REGION: ${region}`);
  for (const model of config.PARLEY_BEDROCK_MODELS) {
    const outside = bedrockModelProblem(config.PARLEY_RESIDENCY, config.AWS_REGION, model);
    if (outside) problems.push(`PARLEY_BEDROCK_MODELS: ${outside}`);
  }
  if (config.PARLEY_OPENAI_BASE_URL) {
    const url = new URL(config.PARLEY_OPENAI_BASE_URL);
    if (url.hostname !== new URL(EU_OPENAI_BASE_URL).hostname && !onAllowlist(url, config.PARLEY_EGRESS_ALLOW_HOSTS)) {
      problems.push(`PARLEY_OPENAI_BASE_URL: PARLEY_RESIDENCY=eu needs OpenAI's EU endpoint (${EU_OPENAI_BASE_URL}) or a host listed in PARLEY_EGRESS_ALLOW_HOSTS, not ${url.host}; leave it unset for the EU endpoint`);
    }
  }
  return problems;
};

/** Settings that only make sense together, or only locally. */
const pairProblems = (config: Config): string[] => [
  ...(!config.PARLEY_USER_POOL_ID === !config.PARLEY_ADMIN_CLIENT_ID ? [] : ['PARLEY_USER_POOL_ID, PARLEY_ADMIN_CLIENT_ID: set both (the admin sign-in\'s user pool and app client) or neither']),
  ...(!config.PARLEY_ADMIN_ISSUER === !config.PARLEY_ADMIN_JWKS ? [] : ['PARLEY_ADMIN_ISSUER, PARLEY_ADMIN_JWKS: set both (the local sign-in\'s issuer and keys) or neither']),
  ...(config.PARLEY_STAGE === 'aws' && config.PARLEY_ADMIN_ISSUER ? ['PARLEY_ADMIN_ISSUER: on AWS the issuer is the Cognito user pool; this is for the local platform only'] : []),
  ...(config.PARLEY_STAGE === 'aws' && config.PARLEY_SLACK_WEBHOOK_ENDPOINT ? ['PARLEY_SLACK_WEBHOOK_ENDPOINT: on AWS Slack posts go to Slack; this stand-in is for the local platform and tests only'] : []),
];

/** Parses the environment; throws one readable error listing every bad variable. */
export const readConfig = (env: NodeJS.ProcessEnv = process.env): Config => {
  const parsed = z.safeParse(configSchema, env);
  const problems = parsed.success ? [...profileProblems(parsed.data), ...pairProblems(parsed.data)] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  if (!parsed.success || problems.length > 0) {
    throw new Error(`Invalid Parley configuration: ${problems.join('; ')}`);
  }
  // Under the EU profile, OpenAI is reached through its EU endpoint unless the operator chose another (checked above).
  if (parsed.data.PARLEY_RESIDENCY === 'eu' && !parsed.data.PARLEY_OPENAI_BASE_URL) return { ...parsed.data, PARLEY_OPENAI_BASE_URL: EU_OPENAI_BASE_URL };
  return parsed.data;
};
