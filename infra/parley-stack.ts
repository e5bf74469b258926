/**
 * The Parley stack. It only composes: each concern is one construct in
 * `constructs/`, and the constructs meet through typed props.
 */
import { ArnFormat, Aspects, CfnOutput, Lazy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { adminAuthParameterName } from '../lambdas/adapters/auth/admin-auth-settings.ts';
import { AdminAndWidgetApi, functionUrlRegionProblem } from './constructs/admin-and-widget-api.ts';
import { Auth } from './constructs/auth.ts';
import { grantBedrock } from './constructs/bedrock-access.ts';
import { Chat } from './constructs/chat.ts';
import { Backups } from './constructs/backups.ts';
import { Hosting } from './constructs/hosting.ts';
import { Monitoring } from './constructs/monitoring.ts';
import { Sweeper } from './constructs/sweeper.ts';
import { Ingest } from './constructs/ingest.ts';
import { AccountExports } from './constructs/account-exports.ts';
import { Notifications, type NotificationSender } from './constructs/notifications.ts';
import { ParleyFunction, type FunctionDefaults, type HandlerName } from './constructs/parley-function.ts';
import { EdgeSecret } from './constructs/edge-secret.ts';
import { Storage } from './constructs/storage.ts';
import { TenantAccess } from './constructs/tenant-access.ts';
import { Naming, RegionScopedCloudFrontNames } from './naming.ts';
import type { DeployParameters } from './parameters.ts';
import { RetainExceptOnCreate } from './retention.ts';

export interface ParleyStackProps extends StackProps {
  /** Validated deploy parameters (see `parameters.ts`). */
  readonly parameters: DeployParameters;
  /**
   * Resolves a handler's entry file; synth tests point missing handlers at a stub.
   * @default `lambdas/handlers/<name>.ts`
   */
  readonly handlerEntry?: (name: HandlerName) => string;
  /**
   * ARN of the CloudFront web ACL (from the us-east-1 edge stack).
   * @default - no web ACL
   */
  readonly webAclArn?: string;
}

/**
 * The variables every function gets from the deploy parameters
 * (`lambdas/adapters/config.ts` reads them).
 */
export const parameterEnvironment = (p: DeployParameters): Record<string, string> => ({
  PARLEY_RESIDENCY: p.residency,
  PARLEY_ALLOWED_PROVIDERS: p.allowedProviders.join(','),
  PARLEY_DEFAULT_CONVERSATION_RETENTION_DAYS: String(p.conversationRetentionDays),
  ...(p.platformKeySecrets ? { PARLEY_PLATFORM_KEY_SECRETS: JSON.stringify(p.platformKeySecrets) } : {}),
  ...(p.bedrockModels?.length ? { PARLEY_BEDROCK_MODELS: p.bedrockModels.join(',') } : {}),
});

export class ParleyStack extends Stack {
  readonly storage: Storage;
  readonly auth: Auth;
  readonly api: AdminAndWidgetApi;
  readonly ingest: Ingest;
  readonly exports: AccountExports;
  readonly notifications: Notifications;
  readonly chat: Chat;
  readonly hosting: Hosting;
  readonly monitoring: Monitoring;
  readonly backups: Backups;
  readonly sweeper: Sweeper;
  readonly tenantAccess: TenantAccess;
  readonly edgeSecret: EdgeSecret;
  /** Physical names from the stage and region (`naming.ts`). */
  readonly naming: Naming;

  constructor(scope: Construct, id: string, props: ParleyStackProps) {
    super(scope, id, props);
    const { parameters } = props;
    const noFunctionUrls = functionUrlRegionProblem(parameters.region);
    if (noFunctionUrls) throw new Error(noFunctionUrls);
    this.naming = new Naming(parameters.stage, parameters.region);
    // CloudFront names are global to the account: scope them to the stage and region.
    Aspects.of(this).add(new RegionScopedCloudFrontNames(this.naming));
    // A failed first deployment cleans up after itself (retention.ts).
    Aspects.of(this).add(new RetainExceptOnCreate());

    // The admin origin is known before deployment only with a custom domain; otherwise it is the
    // distribution's name, which the bucket's CORS rule and the Cognito client read lazily. The bucket's
    // name is built from the stage, region and stack id (naming.ts), so nothing the distribution depends
    // on refers to the bucket.
    const adminOrigin = Lazy.string({ produce: () => this.hosting.origin });
    this.storage = new Storage(this, 'Storage', {
      documentsBucketName: this.naming.of('documentsBucket'),
      uploadOrigin: adminOrigin,
    });
    this.edgeSecret = new EdgeSecret(this, 'EdgeSecret');
    const functions: FunctionDefaults = {
      // The variables lambdas/adapters/config.ts reads; Lambda sets AWS_REGION itself.
      environment: {
        PARLEY_STAGE: 'aws',
        PARLEY_TABLE: this.storage.table.tableName,
        PARLEY_KEYS_TABLE: this.storage.keysTable.tableName,
        PARLEY_BUCKET: this.storage.documentsBucketName,
        PARLEY_CONTENT_KMS_KEY_ID: this.storage.contentKey.keyArn,
        PARLEY_SECRETS_KMS_KEY_ID: this.storage.secretsKey.keyArn,
        ...parameterEnvironment(parameters),
      },
      logRetention: parameters.logRetentionDays,
      ...(parameters.reservedConcurrency ? { reservedConcurrency: parameters.reservedConcurrency } : {}),
      ...(props.handlerEntry ? { entryOf: props.handlerEntry } : {}),
    };

    this.auth = new Auth(this, 'Auth', {
      selfSignUp: parameters.selfSignUp,
      // Unique in the region as Cognito requires (the stack id's suffix); the stage is checked for "aws", "amazon", "cognito".
      domainPrefix: this.naming.of('signInDomain'),
      adminUrl: Lazy.string({ produce: () => this.hosting.adminUrl }),
      ...(parameters.firstOwnerEmail ? { firstOwnerEmail: parameters.firstOwnerEmail } : {}),
      settingsParameterName: adminAuthParameterName(parameters.stage),
    });
    this.api = new AdminAndWidgetApi(this, 'Api', { storage: this.storage, functions, adminAuthParameterName: adminAuthParameterName(parameters.stage) });
    this.ingest = new Ingest(this, 'Ingest', { storage: this.storage, functions, maxConcurrency: parameters.ingestConcurrency });
    this.chat = new Chat(this, 'Chat', { storage: this.storage, functions });
    this.exports = new AccountExports(this, 'Exports', { storage: this.storage, functions });
    this.exports.grantSendFrom(this.api.adminFunction);
    const sender = senderOf(parameters.sesSenderIdentity);
    this.notifications = new Notifications(this, 'Notifications', {
      storage: this.storage,
      functions,
      panelUrl: Lazy.string({ produce: () => this.hosting.adminUrl }),
      ...(sender ? { sender } : {}),
    });
    // Where events arise: visitors' requests, leads and thumbs-down (widget), declined questions (chat), failed
    // documents (ingest, and admin, which marks a document whose processing was lost); the notify function queues
    // webhook attempts (and retries) itself.
    for (const fn of [this.notifications.function, this.api.widgetFunction, this.chat.function, this.ingest.function, this.api.adminFunction]) {
      this.notifications.grantSendFrom(fn);
    }
    // Re-ingest: the admin function puts documents back on the ingest queue.
    this.ingest.grantSendFrom(this.api.adminFunction);
    // A long crawl queues its next part itself.
    this.ingest.grantSendFrom(this.ingest.function);
    // Invitations create sign-ins unless people sign themselves up.
    this.api.adminFunction.function.addEnvironment('PARLEY_SELF_SIGN_UP', String(parameters.selfSignUp));
    this.auth.grantInvitations(this.api.adminFunction);

    // The functions that serve accounts: tenant data only through the tenant role.
    const tenantFunctions = [this.api.adminFunction, this.api.widgetFunction, this.chat.function, this.ingest.function, this.exports.function, this.notifications.function];
    this.tenantAccess = new TenantAccess(this, 'TenantAccess', { storage: this.storage, functions: tenantFunctions });
    // The functions that call model providers (an export calls none).
    grantPlatformKeySecrets(this, parameters, [this.api.adminFunction, this.api.widgetFunction, this.chat.function, this.ingest.function]);
    // Bedrock, with the functions' own roles: chat answers and embeds questions, ingest embeds documents.
    grantBedrock(this, parameters.bedrockModels ?? [], { chat: [this.chat.function], embedding: [this.ingest.function] });
    // The APIs behind CloudFront trust the viewer-address header only with this value in x-parley-edge-secret.
    for (const fn of [this.api.adminFunction, this.api.widgetFunction, this.chat.function]) {
      fn.function.addEnvironment('PARLEY_EDGE_SECRET', this.edgeSecret.value);
    }

    this.hosting = new Hosting(this, 'Hosting', {
      api: this.api,
      chat: this.chat,
      auth: this.auth,
      storage: this.storage,
      edgeSecret: this.edgeSecret.value,
      ...(props.webAclArn ? { webAclArn: props.webAclArn } : {}),
      ...(parameters.domain && parameters.certificateArn ? { customDomain: { domainName: parameters.domain, certificateArn: parameters.certificateArn } } : {}),
      ...(functions.logRetention ? { logRetention: functions.logRetention } : {}),
    });

    this.sweeper = new Sweeper(this, 'Sweeper', { storage: this.storage, functions });
    this.monitoring = new Monitoring(this, 'Monitoring', {
      functions: this.node.findAll().filter((c): c is ParleyFunction => c instanceof ParleyFunction),
      deadLetterQueues: [
        { queue: this.ingest.deadLetterQueue, description: 'Ingest messages that gave up: a document could not be ingested' },
        { queue: this.exports.deadLetterQueue, description: 'Export requests that gave up: an account export could not be built' },
        { queue: this.notifications.deadLetterQueue, description: 'Events that gave up: members were not e-mailed, or webhooks not posted, about an event' },
      ],
      spendAlarmUsdPerHour: parameters.spendAlarmUsdPerHour,
      eventPublishers: [this.api.widgetFunction, this.chat.function, this.ingest.function, this.api.adminFunction],
      ...(parameters.alarmEmail ? { alarmEmail: parameters.alarmEmail } : {}),
    });

    this.backups = new Backups(this, 'Backups', { storage: this.storage, vaultName: this.naming.of('backupVault'), planName: this.naming.of('backupPlan') });

    // Only the distribution's address: the function URLs answer nothing without CloudFront's proof.
    new CfnOutput(this, 'Url', { value: this.hosting.url, description: 'Parley: widget.js, the widget and admin APIs, streamed chat' });
    new CfnOutput(this, 'UserPoolId', { value: this.auth.userPool.userPoolId });
    new CfnOutput(this, 'AdminClientId', { value: this.auth.adminClient.userPoolClientId });
    new CfnOutput(this, 'SignInDomain', { value: this.auth.domainUrl, description: 'Cognito hosted sign-in of the admin panel' });
    new CfnOutput(this, 'TenantRoleArn', { value: this.tenantAccess.role.roleArn });
    new CfnOutput(this, 'DocumentsBucket', { value: this.storage.documentsBucketName });
    new CfnOutput(this, 'TableName', { value: this.storage.table.tableName });
    new CfnOutput(this, 'AdminUrl', { value: this.hosting.adminUrl, description: 'The admin panel' });
  }
}

/** The sender of notification e-mails: an address identity sends as itself, a domain as `notifications@<domain>`. */
const senderOf = (identity: string | undefined): NotificationSender | undefined =>
  identity === undefined ? undefined : { identity, from: identity.includes('@') ? identity : `notifications@${identity}` };

/**
 * `secretsmanager:GetSecretValue` on exactly the platform key secrets the
 * parameters name (`arn:…:secret:<name>-??????`: Secrets Manager appends six
 * random characters to a secret's ARN).
 */
const grantPlatformKeySecrets = (stack: Stack, parameters: DeployParameters, fns: readonly ParleyFunction[]): void => {
  const names = Object.values(parameters.platformKeySecrets ?? {});
  if (names.length === 0) return;
  const resources = names.map((name) => stack.formatArn({ service: 'secretsmanager', resource: 'secret', resourceName: `${name}-??????`, arnFormat: ArnFormat.COLON_RESOURCE_NAME }));
  for (const fn of fns) {
    fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'PlatformKeySecrets', actions: ['secretsmanager:GetSecretValue'], resources }));
  }
};
