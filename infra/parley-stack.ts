/**
 * The Parley stack. It only composes: each concern is one construct in
 * `constructs/`, and the constructs meet through typed props.
 */
import { CfnOutput, Stack } from 'aws-cdk-lib';
import type { StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { AdminApi } from './constructs/admin-api.ts';
import { Auth } from './constructs/auth.ts';
import { Chat } from './constructs/chat.ts';
import { Backups } from './constructs/backups.ts';
import { Hosting } from './constructs/hosting.ts';
import { Monitoring } from './constructs/monitoring.ts';
import { Sweeper } from './constructs/sweeper.ts';
import { Ingest } from './constructs/ingest.ts';
import { ParleyFunction, type FunctionDefaults, type HandlerName } from './constructs/parley-function.ts';
import { Storage } from './constructs/storage.ts';
import type { DeployParameters } from './parameters.ts';

export interface ParleyStackProps extends StackProps {
  /** Validated deploy parameters (see `parameters.ts`). */
  readonly parameters: DeployParameters;
  /**
   * Resolves a handler's entry file; synth tests point missing handlers at a stub.
   * @default `lambdas/handlers/<name>.ts`
   */
  readonly handlerEntry?: (name: HandlerName) => string;
}

export class ParleyStack extends Stack {
  readonly storage: Storage;
  readonly auth: Auth;
  readonly api: AdminApi;
  readonly ingest: Ingest;
  readonly chat: Chat;
  readonly hosting: Hosting;
  readonly monitoring: Monitoring;
  readonly backups: Backups;
  readonly sweeper: Sweeper;

  constructor(scope: Construct, id: string, props: ParleyStackProps) {
    super(scope, id, props);
    const { parameters } = props;

    this.storage = new Storage(this, 'Storage');
    const functions: FunctionDefaults = {
      // The variables lambdas/adapters/config.ts reads; Lambda sets AWS_REGION itself.
      environment: {
        PARLEY_STAGE: 'aws',
        PARLEY_TABLE: this.storage.table.tableName,
        PARLEY_KEYS_TABLE: this.storage.keysTable.tableName,
        PARLEY_BUCKET: this.storage.documents.bucketName,
        PARLEY_CONTENT_KMS_KEY_ID: this.storage.contentKey.keyArn,
        PARLEY_SECRETS_KMS_KEY_ID: this.storage.secretsKey.keyArn,
      },
      logRetention: parameters.logRetentionDays,
      ...(props.handlerEntry ? { entryOf: props.handlerEntry } : {}),
    };

    this.auth = new Auth(this, 'Auth');
    this.api = new AdminApi(this, 'Api', { auth: this.auth, storage: this.storage, functions });
    this.ingest = new Ingest(this, 'Ingest', { storage: this.storage, functions });
    this.chat = new Chat(this, 'Chat', { storage: this.storage, functions });
    // Re-ingest: the admin function puts documents back on the ingest queue.
    this.ingest.queue.grantSendMessages(this.api.adminFunction.function);
    this.api.adminFunction.function.addEnvironment('PARLEY_INGEST_QUEUE_URL', this.ingest.queue.queueUrl);

    this.hosting = new Hosting(this, 'Hosting', { api: this.api, chat: this.chat, ...(functions.logRetention ? { logRetention: functions.logRetention } : {}) });

    this.sweeper = new Sweeper(this, 'Sweeper', { storage: this.storage, functions });
    this.monitoring = new Monitoring(this, 'Monitoring', {
      functions: this.node.findAll().filter((c): c is ParleyFunction => c instanceof ParleyFunction),
      deadLetterQueue: this.ingest.deadLetterQueue,
      ...(parameters.alarmEmail ? { alarmEmail: parameters.alarmEmail } : {}),
    });

    this.backups = new Backups(this, 'Backups', { storage: this.storage });

    new CfnOutput(this, 'Url', { value: this.hosting.url, description: 'Parley: widget.js, the widget and admin APIs, streamed chat' });
    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'HTTP API base URL (admin /v1, widget /widget/v1)' });
    new CfnOutput(this, 'ChatUrl', { value: this.chat.functionUrl.url, description: 'Streaming chat function URL' });
    new CfnOutput(this, 'UserPoolId', { value: this.auth.userPool.userPoolId });
    new CfnOutput(this, 'AdminClientId', { value: this.auth.adminClient.userPoolClientId });
    new CfnOutput(this, 'DocumentsBucket', { value: this.storage.documents.bucketName });
    new CfnOutput(this, 'TableName', { value: this.storage.table.tableName });
  }
}
