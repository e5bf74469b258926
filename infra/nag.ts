/**
 * cdk-nag acknowledgements for the wildcards that `grant*()` writes into a
 * role's policy. cdk-nag 3 acknowledges each finding by its exact id
 * (`AwsSolutions-IAM5[Action::kms:ReEncrypt*]`), so these helpers build those
 * ids from the resources granted, next to the grant they explain.
 */
import { CfnElement, Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** How cdk-nag writes a resource's ARN in a finding: `<LogicalId.Arn>`. */
export const nagArnOf = (resource: IConstruct): string => {
  const cfn = resource.node.defaultChild;
  if (!cfn || !CfnElement.isCfnElement(cfn)) throw new Error(`${resource.node.path} has no CloudFormation resource`);
  return `<${Stack.of(resource).getLogicalId(cfn)}.Arn>`;
};

/** Acknowledges IAM5 (wildcard permission) findings on `scope` and everything below it, with one reason. */
export const acknowledgeWildcards = (scope: IConstruct, reason: string, findings: readonly string[]): void => {
  for (const finding of findings) Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
};

/** Acknowledges the action wildcards every KMS `grant*()` (direct, or through a table, bucket or queue) adds. */
export const acknowledgeKmsGrantWildcards = (scope: IConstruct): void =>
  acknowledgeWildcards(
    scope,
    'Written by grant*() on customer-managed KMS keys and limited to those keys\' ARNs; the suffix covers the ' +
      'variants envelope encryption calls (GenerateDataKeyWithoutPlaintext, ReEncryptFrom/To).',
    ['Action::kms:GenerateDataKey*', 'Action::kms:ReEncrypt*'],
  );
