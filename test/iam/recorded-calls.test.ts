/**
 * Every AWS call the integration suite's functions made, evaluated against the
 * synthesized stack's real policies with an offline IAM simulator: allowed for
 * the function's own role, or for the tenant role with the account's session
 * tag; and the same call denied with another account's tag, and denied to the
 * function's own role when it needed the tenant role. A missing permission
 * fails here, not a visitor's request in production.
 *
 * Runs after the integration project (`sequence.groupOrder` in vitest.config.ts), which records the
 * calls (`lambdas/adapters/aws/call-log.ts`). Calls made outside any function
 * (test set-up reading storage directly, provisioning the local table and
 * bucket) are not evaluated; operator commands (`infra/ops`) run with the
 * operator's own credentials and never on these roles, so they are not either.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CallRecord } from '../../lambdas/adapters/aws/call-log.ts';
import type { HandlerName } from '../../infra/constructs/parley-function.ts';
import type { SessionRecord } from '../integration/fixtures/fake-sts.ts';
import { CALL_LOG_FILE, TEST_TENANT_ROLE_ARN } from './call-log-file.ts';
import { iamRequestsOf, type IamRequest } from './iam-requests.ts';
import { decide, type Caller } from './simulate.ts';
import { readStackIam, type StackIam } from './stack-policies.ts';

/** An account id no recorded call belongs to (the ULID shape of Parley's ids). */
const OTHER_ACCOUNT = '01ZZZZZZZZZZZZZZZZZZZZZZZZ';

interface Evaluated {
  readonly caller: Caller;
  readonly request: IamRequest;
  /** The call it came from, for failure messages. */
  readonly call: CallRecord;
}

const readLog = (): { calls: CallRecord[]; sessions: Map<string, SessionRecord> } => {
  if (!existsSync(CALL_LOG_FILE.path)) throw new Error(`No AWS call log at ${CALL_LOG_FILE.path}: run the integration project first (npx vitest run --project integration --project iam).`);
  const lines = readFileSync(CALL_LOG_FILE.path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as CallRecord | SessionRecord);
  const sessions = new Map(lines.filter((l): l is SessionRecord => l.kind === 'session').map((s) => [s.accessKeyId, s]));
  return { calls: lines.filter((l): l is CallRecord => l.kind === 'call'), sessions };
};

/** The same request for any account: ids replaced, so 3,000 calls need a few hundred decisions. */
const shapeOf = (e: Evaluated): string => {
  const text = JSON.stringify({ kind: e.caller.kind, fn: e.caller.functionName, ...e.request, resourcePolicy: undefined });
  return text.replace(/[0-9A-HJKMNP-TV-Z]{26}/g, '<id>');
};

const describeCall = (e: Evaluated) =>
  `${e.caller.functionName} on ${e.caller.kind === 'tenant' ? `the tenant role (accountId ${e.caller.accountId})` : 'its own role'}: ` +
  `${e.request.action} ${e.request.resource} ${JSON.stringify(e.request.context)} (from ${e.call.service}:${e.call.operation})`;

describe('the AWS calls the integration suite made', () => {
  let iam: StackIam;
  let evaluated: Evaluated[];
  let outsideFunctions = 0;
  let recorded = 0;
  const figures: Record<string, unknown> = {};

  beforeAll(() => {
    const { calls, sessions } = readLog();
    recorded = calls.length;
    iam = readStackIam();
    evaluated = [];
    for (const call of calls) {
      if (call.functionName === null) {
        outsideFunctions++;
        continue;
      }
      const role = iam.functionRoles.get(call.functionName as HandlerName);
      if (!role) throw new Error(`A call was made by ${call.functionName}, which has no role in the stack`);
      const session = call.accessKeyId ? sessions.get(call.accessKeyId) : undefined;
      let caller: Caller;
      if (session) {
        if (session.roleArn !== TEST_TENANT_ROLE_ARN || !session.tags.accountId) throw new Error(`${call.functionName} signed with a session of ${session.roleArn} tagged ${JSON.stringify(session.tags)}`);
        caller = { kind: 'tenant', functionName: call.functionName, role: iam.tenantRole, accountId: session.tags.accountId };
      } else {
        caller = { kind: 'function', functionName: call.functionName, role };
      }
      for (const request of iamRequestsOf(iam, call)) evaluated.push({ caller, request, call });
    }
  }, 180_000);

  it('were recorded: the functions made calls of their own and on the tenant role', () => {
    expect(recorded).toBeGreaterThan(0);
    const kinds = new Set(evaluated.map((e) => `${e.caller.functionName}/${e.caller.kind}`));
    for (const fn of ['admin-api', 'widget-api', 'chat-stream', 'ingest', 'account-export']) expect(kinds, fn).toContain(`${fn}/tenant`);
  });

  const unique = (list: Evaluated[]) => [...new Map(list.map((e) => [shapeOf(e), e])).values()];

  it('are each allowed for the function that made it, on the role it ran on', async () => {
    const refused: string[] = [];
    const allowedActions = new Set<string>();
    const distinct = unique(evaluated);
    expect(distinct.length).toBeGreaterThan(0);
    for (const e of distinct) {
      const decision = await decide(e.caller, e.request);
      if (decision.allowed) allowedActions.add(e.request.action);
      else refused.push(`${decision.result}: ${describeCall(e)}`);
    }
    figures.requestsEvaluated = evaluated.length;
    figures.distinctRequests = distinct.length;
    figures.allowedActions = [...allowedActions].sort();
    figures.refused = refused.length;
    expect(refused).toEqual([]);
  }, 300_000);

  it('are denied with another account\'s session tag, and to the function\'s own role', async () => {
    const leaked: string[] = [];
    // S3's and SQS's own use of their at-rest keys is not fenced by account; the request that led to it is.
    const tenantCalls = unique(evaluated.filter((e) => e.caller.kind === 'tenant' && !e.request.implied));
    expect(tenantCalls.length).toBeGreaterThan(0);
    for (const e of tenantCalls) {
      if (e.caller.kind !== 'tenant') continue;
      const other = await decide({ ...e.caller, accountId: OTHER_ACCOUNT }, e.request);
      if (other.allowed) leaked.push(`allowed with accountId ${OTHER_ACCOUNT}: ${describeCall(e)}`);
      const own = iam.functionRoles.get(e.caller.functionName as HandlerName)!;
      const alone = await decide({ kind: 'function', functionName: e.caller.functionName, role: own }, e.request);
      if (alone.allowed) leaked.push(`allowed to ${e.caller.functionName}'s own role: ${describeCall(e)}`);
    }
    figures.crossAccountDenialsChecked = tenantCalls.length;
    figures.ownRoleDenialsChecked = tenantCalls.length;
    figures.leaked = leaked.length;
    expect(leaked).toEqual([]);
  }, 300_000);

  it('reports its figures', () => {
    const report = {
      callsRecorded: recorded,
      callsOutsideFunctions: outsideFunctions,
      ...figures,
      distinctActionsAllowed: (figures.allowedActions as string[] | undefined)?.length ?? 0,
    };
    console.log(`iam: ${JSON.stringify(report)}`);
    if (process.env.PARLEY_WRITE_BENCH) {
      const dir = new URL('../bench/results/', import.meta.url);
      mkdirSync(dir, { recursive: true });
      writeFileSync(new URL('iam.json', dir), `${JSON.stringify(report, null, 2)}\n`);
    }
    expect(report.distinctActionsAllowed).toBeGreaterThan(0);
  });
});
