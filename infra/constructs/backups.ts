/**
 * Backups: a daily AWS Backup of the data table and the documents bucket into a
 * vault of its own, encrypted with its own KMS key, kept 30 days. The keys table
 * is deliberately left out: tenant content in these backups is sealed under
 * per-account keys that live only there (with 7 days of recovery), so erasing an
 * account makes its copies in every backup unreadable (crypto-shredding).
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import type { Storage } from './storage.ts';

export interface BackupsProps {
  readonly storage: Storage;
  /**
   * How long each backup is kept.
   * @default Duration.days(30)
   */
  readonly retention?: Duration;
  /**
   * The vault's name; the vault is kept when the stack is deleted, so a name
   * unique to the stack lets a new stack of the same stage start again.
   * @default - generated from the construct path (the same for every stack of this name)
   */
  readonly vaultName?: string;
  /**
   * The plan's name, shown in the AWS Backup console.
   * @default the construct id, `Plan`
   */
  readonly planName?: string;
}

export class Backups extends Construct {
  readonly vault: backup.BackupVault;
  readonly plan: backup.BackupPlan;

  constructor(scope: Construct, id: string, props: BackupsProps) {
    super(scope, id);
    // Kept when the stack is deleted, with its recovery points; deleted when the stack's creation rolls back.
    const retain = RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE;
    const key = new kms.Key(this, 'VaultKey', { enableKeyRotation: true, description: 'Parley backup vault', removalPolicy: retain });
    this.vault = new backup.BackupVault(this, 'Vault', { encryptionKey: key, removalPolicy: retain, ...(props.vaultName ? { backupVaultName: props.vaultName } : {}) });
    this.plan = new backup.BackupPlan(this, 'Plan', { backupVault: this.vault, ...(props.planName ? { backupPlanName: props.planName } : {}) });
    this.plan.addRule(new backup.BackupPlanRule({
      ruleName: 'Daily',
      scheduleExpression: events.Schedule.cron({ hour: '3', minute: '0' }),
      deleteAfter: props.retention ?? Duration.days(30),
    }));
    const selection = this.plan.addSelection('Data', {
      resources: [backup.BackupResource.fromDynamoDbTable(props.storage.table), backup.BackupResource.fromArn(props.storage.documents.bucketArn)],
      allowRestores: true,
    });
    // S3 buckets need AWS Backup's S3 policies besides the general ones the selection attaches.
    const role = selection.grantPrincipal as iam.Role;
    const policies = ['service-role/AWSBackupServiceRolePolicyForBackup', 'service-role/AWSBackupServiceRolePolicyForRestores', 'AWSBackupServiceRolePolicyForS3Backup', 'AWSBackupServiceRolePolicyForS3Restore'];
    for (const name of policies.slice(2)) role.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName(name));
    for (const name of policies) {
      Validations.of(selection).acknowledge({
        id: `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${name}]`,
        reason: 'AWS Backup\'s own service-role policies, the documented way to let the service back up and restore DynamoDB tables and S3 buckets; the role is assumable only by backup.amazonaws.com.',
      });
    }
  }
}
