/**
 * Environment read once at cold start and validated, so a misconfigured
 * function fails at start with a clear message instead of at the first request.
 * The same variables are set by the CDK stack on AWS and by the local platform.
 */
import { z } from 'zod';
import { PROVIDER_IDLE_TIMEOUT_MS } from '../core/limits.ts';

const optionalUrl = z.url().optional();

export const configSchema = z.object({
  /** `local` allows loopback origins and local-only conveniences; `aws` is production. */
  PARLEY_STAGE: z.enum(['local', 'aws']).default('aws'),
  PARLEY_TABLE: z.string().min(3),
  /** Wrapped account content keys, kept apart from the data (shorter-lived backups). */
  PARLEY_KEYS_TABLE: z.string().min(3),
  PARLEY_BUCKET: z.string().min(3),
  AWS_REGION: z.string().min(1).default('eu-west-1'),
  /** Endpoint overrides used by the local platform (DynamoDB Local, the S3 emulator). */
  PARLEY_DYNAMODB_ENDPOINT: optionalUrl,
  PARLEY_S3_ENDPOINT: optionalUrl,
  /** Local platform only: a 32-byte raw AES key file (owner-only permissions). */
  PARLEY_LOCAL_MASTER_KEY_FILE: z.string().min(1).optional(),
  /** AWS: the KMS keys that wrap account content keys and owner secrets. */
  PARLEY_CONTENT_KMS_KEY_ID: z.string().min(1).optional(),
  PARLEY_SECRETS_KMS_KEY_ID: z.string().min(1).optional(),
  /** Operator overrides of the providers' API base URLs (EU endpoints; the fake provider in tests). */
  PARLEY_OPENAI_BASE_URL: optionalUrl,
  PARLEY_ANTHROPIC_BASE_URL: optionalUrl,
  /** Operator allowlist for owner-supplied endpoints: comma-separated `host` or `host:port`. */
  PARLEY_EGRESS_ALLOW_HOSTS: z.string().default('').transform((v) => v.split(',').map((h) => h.trim()).filter(Boolean)),
  /** The platform's own provider keys (local and tests; on AWS they come from Secrets Manager). */
  PARLEY_PLATFORM_OPENAI_KEY: z.string().min(1).optional(),
  PARLEY_PLATFORM_ANTHROPIC_KEY: z.string().min(1).optional(),
  /** The ingest queue, for re-ingest requests (admin function). */
  PARLEY_INGEST_QUEUE_URL: optionalUrl,
  /** Endpoint override: the local platform's SQS endpoint. */
  PARLEY_SQS_ENDPOINT: optionalUrl,
  /** Pause between a website crawl's requests (robots.txt may ask for more). */
  PARLEY_CRAWL_DELAY_MS: z.coerce.number().int().min(0).max(10_000).default(500),
  /** The longest a provider may stay silent (before its first byte, or between two) before the answer is stopped. */
  PARLEY_PROVIDER_IDLE_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(PROVIDER_IDLE_TIMEOUT_MS),
  PARLEY_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});

export type Config = z.infer<typeof configSchema>;

/** Parses the environment; throws one readable error listing every bad variable. */
export const readConfig = (env: NodeJS.ProcessEnv = process.env): Config => {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid Parley configuration: ${problems}`);
  }
  return parsed.data;
};
