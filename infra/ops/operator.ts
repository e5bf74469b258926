/**
 * Operator commands, run by whoever operates a deployment (never by an account):
 *
 *   npm run operator -- hold <accountId> <reason…>   place a legal hold
 *   npm run operator -- lift <accountId>             lift it
 *   npm run operator -- holds                        list held accounts
 *
 * On AWS, run it with the operator's credentials and the functions' variables
 * (PARLEY_TABLE, PARLEY_KEYS_TABLE, PARLEY_BUCKET, PARLEY_SECRETS_KMS_KEY_ID,
 * PARLEY_CONTENT_KMS_KEY_ID, AWS_REGION: the stack's outputs). Against a running
 * `npm start`, add `--local <DynamoDB Local URL it printed>` (and `--data <folder>`
 * if it is not `.parley`).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { local: { type: 'string' }, data: { type: 'string', default: '.parley' } } });
if (values.local) {
  Object.assign(process.env, {
    PARLEY_STAGE: 'local',
    PARLEY_DYNAMODB_ENDPOINT: values.local,
    PARLEY_TABLE: process.env.PARLEY_TABLE ?? 'parley-local',
    PARLEY_KEYS_TABLE: process.env.PARLEY_KEYS_TABLE ?? 'parley-local-keys',
    PARLEY_BUCKET: process.env.PARLEY_BUCKET ?? 'parley-local-documents',
    PARLEY_LOCAL_MASTER_KEY_FILE: path.resolve(values.data, 'master.key'),
    AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'local',
    AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'local',
  });
}
// Imported after the environment is set: the composition root reads it once.
const { getRuntime } = await import('../../lambdas/adapters/wiring.ts');
const { liftLegalHold, placeLegalHold } = await import('../../lambdas/core/legal-hold.ts');
const { deps } = getRuntime();

const [command, accountId, ...reason] = positionals;
const usage = 'usage: npm run operator -- hold <accountId> <reason…> | lift <accountId> | holds  [--local <DynamoDB URL>] [--data <folder>]';
switch (command) {
  case 'hold':
    if (!accountId || reason.length === 0) throw new Error(usage);
    console.log(JSON.stringify(await placeLegalHold(deps, accountId, reason.join(' '))));
    break;
  case 'lift':
    if (!accountId) throw new Error(usage);
    console.log(JSON.stringify(await liftLegalHold(deps, accountId)));
    break;
  case 'holds':
    console.log(JSON.stringify(await deps.retention.heldAccounts()));
    break;
  default:
    console.error(usage);
    process.exitCode = 2;
}
