/**
 * One IAM decision, offline: `@cloud-copilot/iam-simulate` evaluates a request
 * against the caller's identity policies and the resource's policy, with
 * condition keys (`dynamodb:LeadingKeys`, `s3:prefix`,
 * `kms:EncryptionContext:*`) and policy variables (`${aws:PrincipalTag/accountId}`).
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import type { IamRequest } from './iam-requests.ts';
import { ACCOUNT, type RoleIam } from './stack-policies.ts';

/** Who made a call: a function on its own role, or on the tenant role with an account's session tag. */
export type Caller =
  | { readonly kind: 'function'; readonly functionName: string; readonly role: RoleIam }
  | { readonly kind: 'tenant'; readonly functionName: string; readonly role: RoleIam; readonly accountId: string };

export interface Decision {
  readonly allowed: boolean;
  /** `Allowed`, `ImplicitlyDenied`, `ExplicitlyDenied`, or the simulator's validation error. */
  readonly result: string;
}

export const decide = async (caller: Caller, request: IamRequest): Promise<Decision> => {
  const session = caller.kind === 'tenant' ? `parley-${caller.accountId}` : caller.functionName;
  const response = await runSimulation({
    request: {
      principal: `arn:aws:sts::${ACCOUNT}:assumed-role/${caller.role.name}/${session}`,
      action: request.action,
      resource: { resource: request.resource, accountId: ACCOUNT },
      contextVariables: {
        ...Object.fromEntries(Object.entries(request.context).map(([k, v]) => [k, typeof v === 'string' ? v : [...v]])),
        ...(caller.kind === 'tenant' ? { 'aws:PrincipalTag/accountId': caller.accountId } : {}),
      },
    },
    identityPolicies: caller.role.identityPolicies.map((p) => ({ name: p.name, policy: p.policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(request.resourcePolicy ? { resourcePolicy: request.resourcePolicy } : {}),
  }, {});
  if (response.resultType === 'error') return { allowed: false, result: `simulator error: ${response.errors.message} ${JSON.stringify(response.errors)}` };
  return { allowed: response.overallResult === 'Allowed', result: response.overallResult };
};
