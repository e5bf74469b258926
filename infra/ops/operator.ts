/**
 * Operator commands, run by whoever operates a deployment (never by an account):
 *
 *   npm run operator -- hold <accountId> <reason…>   place a legal hold
 *   npm run operator -- lift <accountId>             lift it
 *   npm run operator -- holds                        list held accounts
 *   npm run operator -- create-owner <email>         a Cognito sign-in for a first owner, e-mailed by Cognito
 *
 * create-owner needs the user pool: `--pool <UserPoolId output>` (or PARLEY_USER_POOL_ID) and
 * AWS_REGION on AWS; against `npm start`, `--cognito <the fake Cognito URL it printed>`.
 *
 * On AWS, run it with the operator's credentials and the functions' variables
 * (PARLEY_TABLE, PARLEY_KEYS_TABLE, PARLEY_BUCKET, PARLEY_SECRETS_KMS_KEY_ID,
 * PARLEY_CONTENT_KMS_KEY_ID, AWS_REGION: the stack's outputs). Against a running
 * `npm start`, add `--local <DynamoDB Local URL it printed>` (and `--data <folder>`
 * if it is not `.parley`).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { local: { type: 'string' }, data: { type: 'string', default: '.parley' }, pool: { type: 'string' }, cognito: { type: 'string' } },
});

if (positionals[0] === 'create-owner') {
  const { createCognitoDirectory } = await import('../../lambdas/adapters/auth/cognito-directory.ts');
  const { invitationAddress, offerSignIn } = await import('../../lambdas/core/members.ts');
  const { LOCAL_USER_POOL_ID } = await import('../local/cognito-local.ts');
  const fail = (message: string): never => {
    console.error(`create-owner: ${message}`);
    process.exit(2);
  };
  let email = '';
  try {
    email = invitationAddress(positionals[1] ?? '');
  } catch {
    fail(`${JSON.stringify(positionals[1] ?? '')} does not look like an e-mail address. Usage: npm run operator -- create-owner <email> --pool <UserPoolId>`);
  }
  const pool = values.pool ?? process.env.PARLEY_USER_POOL_ID ?? (values.cognito ? LOCAL_USER_POOL_ID : undefined);
  if (!pool) fail('give the user pool with --pool <UserPoolId> (a stack output) or --cognito <URL> for npm start');
  const directory = createCognitoDirectory({
    userPoolId: () => Promise.resolve(pool!),
    clientConfig: {
      // A pool id starts with its region (eu-west-1_AbC123).
      region: process.env.AWS_REGION || pool!.split('_')[0],
      ...(values.cognito ? { endpoint: values.cognito, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    },
  });
  // 'sent': Cognito e-mailed a temporary password; 'existing_sign_in': the address can sign in already.
  const delivery = await offerSignIn(directory, email).catch((e: unknown) => fail(`Cognito: ${e instanceof Error ? e.message : String(e)}`));
  console.log(JSON.stringify({ email, delivery }));
  process.exit(0);
}
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
// The operator's own credentials, never the tenant role: its trust policy names the functions alone. (A shell
// with the functions' variables, or a test's, may hold these; the test's call log is for functions only.)
for (const name of ['PARLEY_TENANT_ROLE_ARN', 'PARLEY_STS_ENDPOINT', 'PARLEY_AWS_CALL_LOG']) Reflect.deleteProperty(process.env, name);
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
