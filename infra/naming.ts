/**
 * Physical names: the one place that builds the names Parley gives AWS
 * resources, and the rules each service sets for them.
 *
 * Every name starts `parley-<stage>-`, so stages never collide. Names in a
 * namespace wider than one region (S3 buckets, CloudFront, CloudFront-scope WAF)
 * also carry the region, so one stage may run in two regions (the others live
 * in one region's namespace already). Names of resources kept after a failed
 * or deleted stack, and names unique among all AWS customers, end in a suffix
 * from the stack's own id (the first 8 characters of the UUID in
 * `AWS::StackId`): the same on every update of one stack, new when a stack is
 * created again, so a retry after a leftover never meets "already exists".
 *
 * The deploy parameters are checked against every rule here before anything
 * is synthesized (`namingProblems`), with the longest suffix the names can get.
 */
import { createHash } from 'node:crypto';
import { Aws, CfnResource, Fn, Token } from 'aws-cdk-lib';
import type { IAspect } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** A service's rule for one kind of name. */
export interface NameRule {
  /** What the name is, in an error message. */
  readonly what: string;
  readonly max: number;
  readonly pattern: RegExp;
  /** Words the service refuses anywhere in the name. */
  readonly reserved?: readonly string[];
  /** Whether the namespace spans regions, so the name carries the region. */
  readonly global: boolean;
}

/** The rules, from each service's API reference. */
export const nameRules = {
  /** S3: 3–63 lower-case letters, digits, dots and hyphens, unique in all of AWS. */
  bucket: { what: 'S3 bucket name', max: 63, pattern: /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, global: true },
  /** Cognito prefix domain: 1–63 lower-case letters, digits and hyphens, no aws/amazon/cognito, unique in the region. */
  signInDomain: {
    what: 'Cognito sign-in domain prefix', max: 63, pattern: /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/,
    reserved: ['aws', 'amazon', 'cognito'], global: false,
  },
  /** AWS Backup vault: 2–50 letters, digits, hyphens and underscores, unique in the account and region. */
  backupVault: { what: 'AWS Backup vault name', max: 50, pattern: /^[a-zA-Z0-9_-]{2,50}$/, global: false },
  /** AWS Backup plan: 1–50 letters, digits and `-_.` (the console's limit; the API allows 200). */
  backupPlan: { what: 'AWS Backup plan name', max: 50, pattern: /^[a-zA-Z0-9_.-]{1,50}$/, global: false },
  /** WAF web ACL: 1–128 letters, digits, hyphens and underscores; CLOUDFRONT scope is one namespace per account. */
  webAcl: { what: 'WAF web ACL name', max: 128, pattern: /^[\w-]{1,128}$/, global: true },
  /** CloudFront response headers, cache and origin request policies: 1–128 letters, digits, hyphens, underscores. */
  cloudFrontPolicy: { what: 'CloudFront policy name', max: 128, pattern: /^[\w-]{1,128}$/, global: true },
  /** CloudFront origin access control: up to 64 characters. */
  originAccessControl: { what: 'CloudFront origin access control name', max: 64, pattern: /^[\w-]{1,64}$/, global: true },
  /** CloudFront Functions: 1–64 letters, digits, hyphens and underscores. */
  cloudFrontFunction: { what: 'CloudFront function name', max: 64, pattern: /^[\w-]{1,64}$/, global: true },
} as const satisfies Record<string, NameRule>;

export type NameKind = keyof typeof nameRules;

/**
 * The names the stacks give, by what they name. `suffix`: the name ends in the
 * stack-id suffix, because the resource outlives a failed or deleted stack (a
 * retry gets a fresh name) or the name must be unique among all AWS customers.
 */
export const physicalNames = {
  documentsBucket: { kind: 'bucket', purpose: 'docs', suffix: true },
  signInDomain: { kind: 'signInDomain', purpose: '', suffix: true },
  backupVault: { kind: 'backupVault', purpose: 'backups', suffix: true },
  backupPlan: { kind: 'backupPlan', purpose: 'daily', suffix: false },
  webAcl: { kind: 'webAcl', purpose: 'edge', suffix: false },
} as const satisfies Record<string, { kind: NameKind; purpose: string; suffix: boolean }>;

export type NamedResource = keyof typeof physicalNames;

/** How long the stack-id suffix is. */
export const SUFFIX_LENGTH = 8;

/** The first 8 hex digits of the stack's UUID (`arn:…:stack/<name>/<uuid>`), resolved by CloudFormation. */
export const stackIdSuffix = (): string => Fn.select(0, Fn.split('-', Fn.select(2, Fn.split('/', Aws.STACK_ID))));

const compose = (stage: string, region: string, rule: NameRule, purpose: string, suffix: string): string =>
  ['parley', stage, rule.global ? region : '', purpose, suffix].filter(Boolean).join('-');

/** What is wrong with a (literal) name under its rule; empty when nothing is. */
export const nameProblems = (name: string, rule: NameRule): string[] => {
  const problems: string[] = [];
  if (name.length > rule.max) problems.push(`the ${rule.what} ${name} is ${name.length} characters; at most ${rule.max} are allowed`);
  else if (!rule.pattern.test(name)) problems.push(`the ${rule.what} ${name} does not match ${String(rule.pattern)}`);
  for (const word of rule.reserved ?? []) {
    if (name.includes(word)) problems.push(`the ${rule.what} ${name} contains "${word}", which the service refuses`);
  }
  return problems;
};

/**
 * Every problem the stage and region make for the names the stacks give,
 * checked with the longest suffix (stage-scoped CloudFront names are
 * shortened to fit, so only their character set can be wrong).
 */
export const namingProblems = (stage: string, region: string): string[] => {
  const problems = Object.values(physicalNames).flatMap(({ kind, purpose, suffix }) =>
    nameProblems(compose(stage, region, nameRules[kind], purpose, suffix ? 'f'.repeat(SUFFIX_LENGTH) : ''), nameRules[kind]));
  return [...new Set(problems)];
};

/** Builds a stack's physical names; `stage` and `region` are the deploy parameters. */
export class Naming {
  readonly stage: string;
  /** The deploy region (for the edge stack too, which lives in us-east-1 but serves one region's stage). */
  readonly region: string;

  constructor(stage: string, region: string) {
    if (Token.isUnresolved(stage) || Token.isUnresolved(region)) throw new Error('Naming: stage and region must be known at synth time');
    this.stage = stage;
    this.region = region;
  }

  /** The physical name of one of the resources in {@link physicalNames}. */
  of(resource: NamedResource): string {
    const { kind, purpose, suffix } = physicalNames[resource];
    const rule = nameRules[kind];
    const problems = nameProblems(compose(this.stage, this.region, rule, purpose, suffix ? 'f'.repeat(SUFFIX_LENGTH) : ''), rule);
    if (problems.length > 0) throw new Error(`Naming: ${problems.join('; ')}`);
    return compose(this.stage, this.region, rule, purpose, suffix ? stackIdSuffix() : '');
  }

  /**
   * A stage- and region-scoped name for a resource the CDK would otherwise
   * name after the stack alone (the same in every region): `parley-<stage>-<region>-<purpose>-<hash>`,
   * the purpose shortened to fit and the hash (of the construct's path) keeping names in one stack apart.
   */
  scoped(kind: NameKind, purpose: string, path: string): string {
    const rule = nameRules[kind];
    const hash = createHash('sha256').update(path).digest('hex').slice(0, 6);
    const fixed = compose(this.stage, this.region, rule, 'x', hash).length - 1;
    const room = Math.max(0, rule.max - fixed - 1);
    const short = purpose.slice(0, room).replace(/-+$/, '');
    const name = compose(this.stage, this.region, rule, short, hash);
    const problems = nameProblems(name, rule);
    if (problems.length > 0) throw new Error(`Naming: ${problems.join('; ')}`);
    return name;
  }
}

/** `SecurityHeaders` → `security-headers`. */
const kebab = (id: string): string => id.replace(/([a-z0-9])([A-Z])/g, '$1-$2').replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').toLowerCase();

/** CloudFront resource types whose names are one namespace per account, and where their name lives. */
const cloudFrontNames: Record<string, { kind: NameKind; property: string }> = {
  'AWS::CloudFront::ResponseHeadersPolicy': { kind: 'cloudFrontPolicy', property: 'ResponseHeadersPolicyConfig.Name' },
  'AWS::CloudFront::CachePolicy': { kind: 'cloudFrontPolicy', property: 'CachePolicyConfig.Name' },
  'AWS::CloudFront::OriginRequestPolicy': { kind: 'cloudFrontPolicy', property: 'OriginRequestPolicyConfig.Name' },
  'AWS::CloudFront::OriginAccessControl': { kind: 'originAccessControl', property: 'OriginAccessControlConfig.Name' },
  'AWS::CloudFront::Function': { kind: 'cloudFrontFunction', property: 'Name' },
};

/**
 * Names every CloudFront policy, origin access control and function of a
 * stack with {@link Naming.scoped}: the CDK names them after the stack's path,
 * which is the same for one stage deployed in two regions, and CloudFront's
 * names are global to the account.
 */
export class RegionScopedCloudFrontNames implements IAspect {
  readonly naming: Naming;

  constructor(naming: Naming) {
    this.naming = naming;
  }

  visit(node: IConstruct): void {
    if (!CfnResource.isCfnResource(node)) return;
    const target = cloudFrontNames[node.cfnResourceType];
    if (!target) return;
    // The L2 construct's id says what it is (`SecurityHeaders`, `S3OriginAccessControl`, `ViewerAddress`).
    const owner = node.node.id === 'Resource' && node.node.scope ? node.node.scope.node.id : node.node.id;
    const name = this.naming.scoped(target.kind, kebab(owner), node.node.path);
    node.addPropertyOverride(target.property, name);
  }
}
