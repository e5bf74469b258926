/**
 * What a failed first deployment leaves behind. Resources the CDK retains by
 * default (KMS keys, buckets, log groups, the backup vault) are kept on stack
 * deletion and replacement but deleted when the stack's creation itself rolls
 * back (CloudFormation's `RetainExceptOnCreate`): a retry then starts clean
 * instead of failing on a leftover. The tables and the user pool stay `Retain`
 * in every case: deletion protection is on for them, so CloudFormation could
 * not delete them anyway and a rollback would fail; their names are generated,
 * so a leftover never blocks a retry.
 */
import { CfnDeletionPolicy, CfnResource, RemovalPolicy } from 'aws-cdk-lib';
import type { IAspect } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** Kept whatever happens, even when the stack's creation rolls back. */
export const alwaysRetained: readonly string[] = ['AWS::DynamoDB::Table', 'AWS::Cognito::UserPool'];

/** Turns every other `Retain` into `RetainExceptOnCreate` (and `Retain` on replacement). */
export class RetainExceptOnCreate implements IAspect {
  visit(node: IConstruct): void {
    if (!CfnResource.isCfnResource(node)) return;
    if (node.cfnOptions.deletionPolicy !== CfnDeletionPolicy.RETAIN) return;
    if (alwaysRetained.includes(node.cfnResourceType)) return;
    node.applyRemovalPolicy(RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE);
  }
}
