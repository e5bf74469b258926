/** Where the integration project records AWS calls and the `iam` project reads them (ignored by git). */
import { fileURLToPath } from 'node:url';

const directory = fileURLToPath(new URL('../../test-results/iam/', import.meta.url));

export const CALL_LOG_FILE = { directory, path: `${directory}aws-calls.jsonl` } as const;

/** The role ARN the integration platforms give the functions as their tenant role; the `iam` project reads it as the stack's TenantRole. */
export const TEST_TENANT_ROLE_ARN = 'arn:aws:iam::123456789012:role/parley-tenant';

/** The Bedrock models the integration platforms approve; the `iam` project builds the stack with the same `bedrockModels`. */
export const TEST_BEDROCK_MODELS = ['eu.anthropic.claude-sonnet-4-5-20250929-v1:0', 'amazon.nova-lite-v1:0', 'amazon.titan-embed-text-v2:0', 'cohere.embed-multilingual-v3'] as const;
