/**
 * The synthesized stack's IAM, as an offline simulator needs it: each function
 * role's identity policies, the tenant role's identity and trust policies, the
 * KMS key policies and the documents bucket's policy, with CloudFormation's
 * references resolved in a made-up account and region (names are logical ids).
 * Anything it cannot resolve throws: a policy is never guessed.
 */
import { ParleyFunction, type HandlerName } from '../../infra/constructs/parley-function.ts';
import type { ParleyStack } from '../../infra/parley-stack.ts';
import { buildParleyApp, logicalIdOf } from '../infra/fixtures/parley-app.ts';
import { TEST_BEDROCK_MODELS } from './call-log-file.ts';

export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-1';

type Json = unknown;
interface CfnResource { readonly Type: string; readonly Properties?: Record<string, Json> }
export interface PolicyDocument { readonly Version?: string; readonly Statement: readonly Record<string, Json>[] }
export interface NamedPolicy { readonly name: string; readonly policy: PolicyDocument }

export interface RoleIam {
  readonly arn: string;
  readonly name: string;
  readonly identityPolicies: readonly NamedPolicy[];
  readonly trustPolicy: PolicyDocument;
}

export interface StackIam {
  /** Each function's own role, by handler name. */
  readonly functionRoles: ReadonlyMap<HandlerName, RoleIam>;
  readonly tenantRole: RoleIam;
  /** Key policies by key ARN. */
  readonly keyPolicies: ReadonlyMap<string, PolicyDocument>;
  /** Bucket policies by bucket name. */
  readonly bucketPolicies: ReadonlyMap<string, PolicyDocument>;
  /** Where the stack's resources are (ARNs and names in the made-up account). */
  readonly resources: {
    readonly table: string;
    readonly keysTable: string;
    readonly tableArn: string;
    readonly keysTableArn: string;
    readonly bucket: string;
    readonly queueArn: string;
    readonly exportQueueArn: string;
    readonly notifyQueueArn: string;
    /** The SES sender identity the notify function may send from (the stack is built with one). */
    readonly sesIdentityArn: string;
    readonly queueKeyArn: string;
    readonly dataKeyArn: string;
    readonly contentKeyArn: string;
    readonly secretsKeyArn: string;
    /** The stack's one user pool, which the local platform's fake Cognito stands for. */
    readonly userPoolArn: string;
  };
}

/** Resolves the intrinsic functions CDK writes into policies, in the made-up account. */
const createResolver = (resources: Readonly<Record<string, CfnResource>>) => {
  const userPoolIdOf = (id: string) => `${REGION}_${id.replace(/[^A-Za-z0-9]/g, '').slice(0, 9)}`;
  const nameOf = (id: string): string => {
    const r = resources[id];
    if (!r) throw new Error(`reference to ${id}, which is not in the template`);
    const given = r.Properties?.BucketName ?? r.Properties?.TableName ?? r.Properties?.QueueName ?? r.Properties?.RoleName ?? r.Properties?.Name;
    return given === undefined ? id : String(resolve(given));
  };
  const arnOf = (id: string): string => {
    const r = resources[id];
    const name = nameOf(id);
    switch (r?.Type) {
      case 'AWS::DynamoDB::Table': return `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${name}`;
      case 'AWS::S3::Bucket': return `arn:aws:s3:::${name}`;
      case 'AWS::IAM::Role': return `arn:aws:iam::${ACCOUNT}:role/${name}`;
      case 'AWS::KMS::Key': return `arn:aws:kms:${REGION}:${ACCOUNT}:key/${id}`;
      case 'AWS::SQS::Queue': return `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`;
      case 'AWS::Logs::LogGroup': return `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${name}:*`;
      case 'AWS::SNS::Topic': return `arn:aws:sns:${REGION}:${ACCOUNT}:${name}`;
      case 'AWS::Lambda::Function': return `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
      case 'AWS::SecretsManager::Secret': return `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${name}-AbCdEf`;
      case 'AWS::Cognito::UserPool': return `arn:aws:cognito-idp:${REGION}:${ACCOUNT}:userpool/${userPoolIdOf(id)}`;
      case 'AWS::SSM::Parameter': return `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/${name.replace(/^\//, '')}`;
      default: throw new Error(`no ARN known for ${id} (${r?.Type})`);
    }
  };
  const pseudo: Record<string, string> = {
    'AWS::AccountId': ACCOUNT, 'AWS::Region': REGION, 'AWS::Partition': 'aws', 'AWS::URLSuffix': 'amazonaws.com', 'AWS::StackName': 'Parley-dev',
    'AWS::StackId': `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/Parley-dev/1a2b3c4d-5e6f-4a1b-8c9d-0e1f2a3b4c5d`,
  };
  const ref = (id: string): string => {
    if (pseudo[id]) return pseudo[id];
    const r = resources[id];
    if (r?.Type === 'AWS::SQS::Queue') return `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${nameOf(id)}`;
    if (r?.Type === 'AWS::SecretsManager::Secret' || r?.Type === 'AWS::SNS::Topic') return arnOf(id);
    if (r?.Type === 'AWS::Cognito::UserPool') return userPoolIdOf(id);
    return nameOf(id);
  };
  const resolve = (value: Json): Json => {
    if (Array.isArray(value)) return value.map(resolve);
    if (!value || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, Json>);
    const [fn, arg] = entries[0] ?? [];
    if (entries.length === 1 && fn === 'Ref') return ref(String(arg));
    if (entries.length === 1 && fn === 'Fn::GetAtt') {
      const [id, attribute] = arg as [string, string];
      if (attribute === 'Arn') return arnOf(id);
      if (attribute === 'QueueName' || attribute === 'TableName') return nameOf(id);
      throw new Error(`Fn::GetAtt ${id}.${attribute} is not known here`);
    }
    if (entries.length === 1 && fn === 'Fn::Join') {
      const [separator, parts] = arg as [string, Json[]];
      return (resolve(parts) as Json[]).map(String).join(separator);
    }
    if (entries.length === 1 && fn === 'Fn::Sub') {
      const [text, vars] = (typeof arg === 'string' ? [arg, {}] : arg) as [string, Record<string, Json>];
      return text.replace(/\$\{([^!}][^}]*)\}/g, (_, name: string) => {
        if (vars[name] !== undefined) return String(resolve(vars[name]));
        const [id, attribute] = name.split('.');
        return attribute ? String(resolve({ 'Fn::GetAtt': [id, attribute] })) : ref(name);
      });
    }
    if (entries.length === 1 && fn === 'Fn::Select') {
      const [index, list] = arg as [number, Json];
      const items = resolve(list) as Json[];
      if (!Array.isArray(items) || items[Number(index)] === undefined) throw new Error(`Fn::Select ${index} of ${JSON.stringify(items)}`);
      return items[Number(index)];
    }
    if (entries.length === 1 && fn === 'Fn::Split') {
      const [separator, text] = arg as [string, Json];
      return String(resolve(text)).split(separator);
    }
    if (fn?.startsWith('Fn::') || fn === 'Condition') throw new Error(`${fn} is not resolved here: ${JSON.stringify(value)}`);
    return Object.fromEntries(entries.map(([k, v]) => [k, resolve(v)]));
  };
  return { resolve: <T>(value: Json) => resolve(value) as T, arnOf, nameOf };
};

const roleIam = (resources: Readonly<Record<string, CfnResource>>, resolver: ReturnType<typeof createResolver>, roleId: string): RoleIam => {
  const role = resources[roleId];
  if (role?.Type !== 'AWS::IAM::Role') throw new Error(`${roleId} is not a role`);
  if (role.Properties?.ManagedPolicyArns) throw new Error(`${roleId} has managed policies, which this test does not read`);
  const inline = ((role.Properties?.Policies as { PolicyName: string; PolicyDocument: Json }[] | undefined) ?? [])
    .map((p) => ({ name: p.PolicyName, policy: resolver.resolve<PolicyDocument>(p.PolicyDocument) }));
  const attached = Object.entries(resources)
    .filter(([, r]) => r.Type === 'AWS::IAM::Policy' && (r.Properties?.Roles as Json[] | undefined)?.some((x) => JSON.stringify(x) === JSON.stringify({ Ref: roleId })))
    .map(([id, r]) => ({ name: id, policy: resolver.resolve<PolicyDocument>(r.Properties?.PolicyDocument) }));
  return {
    arn: resolver.arnOf(roleId),
    name: resolver.nameOf(roleId),
    identityPolicies: [...inline, ...attached],
    trustPolicy: resolver.resolve<PolicyDocument>(role.Properties?.AssumeRolePolicyDocument),
  };
};

/** The SES identity the simulated stack sends notifications from. */
export const SES_IDENTITY = 'example.com';

/** Synthesizes the stack as `cdk synth` would (without the edge stack: it has no role a function uses) and reads its IAM. */
export const readStackIam = (): StackIam => {
  const parley = buildParleyApp({ context: { waf: false, sesSenderIdentity: SES_IDENTITY, bedrockModels: TEST_BEDROCK_MODELS.join(',') } });
  const stack: ParleyStack = parley.stack;
  const template = parley.app.synth().getStackByName(stack.stackName).template as { Resources: Record<string, CfnResource> };
  const resources = template.Resources;
  const resolver = createResolver(resources);

  const functionRoles = new Map<HandlerName, RoleIam>();
  for (const fn of stack.node.findAll().filter((c): c is ParleyFunction => c instanceof ParleyFunction)) {
    functionRoles.set(fn.handlerName, roleIam(resources, resolver, logicalIdOf(fn.role)));
  }
  const keyPolicies = new Map<string, PolicyDocument>();
  const bucketPolicies = new Map<string, PolicyDocument>();
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type === 'AWS::KMS::Key') keyPolicies.set(resolver.arnOf(id), resolver.resolve<PolicyDocument>(r.Properties?.KeyPolicy));
    if (r.Type === 'AWS::S3::BucketPolicy') bucketPolicies.set(String(resolver.resolve(r.Properties?.Bucket)), resolver.resolve<PolicyDocument>(r.Properties?.PolicyDocument));
  }
  const arn = (construct: Parameters<typeof logicalIdOf>[0]) => resolver.arnOf(logicalIdOf(construct));
  const name = (construct: Parameters<typeof logicalIdOf>[0]) => resolver.nameOf(logicalIdOf(construct));
  return {
    functionRoles,
    tenantRole: roleIam(resources, resolver, logicalIdOf(stack.tenantAccess.role)),
    keyPolicies,
    bucketPolicies,
    resources: {
      table: name(stack.storage.table),
      keysTable: name(stack.storage.keysTable),
      tableArn: arn(stack.storage.table),
      keysTableArn: arn(stack.storage.keysTable),
      bucket: name(stack.storage.documents),
      queueArn: arn(stack.ingest.queue),
      exportQueueArn: arn(stack.exports.queue),
      notifyQueueArn: arn(stack.notifications.queue),
      sesIdentityArn: `arn:aws:ses:${REGION}:${ACCOUNT}:identity/${SES_IDENTITY}`,
      queueKeyArn: arn(stack.ingest.queueKey),
      dataKeyArn: arn(stack.storage.dataKey),
      contentKeyArn: arn(stack.storage.contentKey),
      secretsKeyArn: arn(stack.storage.secretsKey),
      userPoolArn: arn(stack.auth.userPool),
    },
  };
};
