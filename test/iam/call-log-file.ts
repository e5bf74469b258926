/** Where the integration project records AWS calls and the `iam` project reads them (ignored by git). */
import { fileURLToPath } from 'node:url';

const directory = fileURLToPath(new URL('../../test-results/iam/', import.meta.url));

export const CALL_LOG_FILE = { directory, path: `${directory}aws-calls.jsonl` } as const;

/** The role ARN the integration platforms give the functions as their tenant role; the `iam` project reads it as the stack's TenantRole. */
export const TEST_TENANT_ROLE_ARN = 'arn:aws:iam::123456789012:role/parley-tenant';
