/**
 * Notifications: the functions where events arise (the widget function's
 * handoffs, leads and thumbs-down, the chat function's declined questions, the
 * ingest and admin functions' failed documents) queue them on an encrypted queue, and the notify function
 * e-mails them to the members who want them, through Amazon SES from the
 * operator's verified sender identity, and posts them to the bots' webhooks
 * (attempts and their delayed retries queued on the same queue). An event that fails
 * `INGEST_MAX_RECEIVE_COUNT` times moves to a dead-letter queue, which alarms.
 * Without a sender identity the queue and function still run (events are
 * consumed), and e-mail is off: the panel says so.
 *
 * The daily digest runs in the notify function too, started by a scheduled rule at
 * `DIGEST_HOUR_UTC`: that function already reads members and preferences through the
 * tenant role, opens conversations, sends from the SES identity and queues on the
 * notify queue, where the run puts one digest per account (retried and dead-lettered
 * like events). The sweeper was the other candidate, but it reads keys only, with no
 * content key, tenant role or SES permission, and should stay that narrow.
 */
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DIGEST_HOUR_UTC } from '../../lambdas/core/digest.ts';
import { NOTIFY_TIMEOUT_SECONDS } from '../../lambdas/core/limits.ts';
import { ParleyFunction } from './parley-function.ts';
import { consumeOneByOne, grantSendToWorkQueue, workQueues } from './queued-work.ts';
import type { FunctionDefaults } from './parley-function.ts';
import type { Storage } from './storage.ts';

/** The operator's SES sender: a verified identity (a domain or an address) in the stack's region. */
export interface NotificationSender {
  /** The SES identity: `example.com`, or `parley@example.com`. */
  readonly identity: string;
  /** The From address; an address at the identity's domain. */
  readonly from: string;
}

export interface NotificationsProps {
  /** The table the notify function reads (members, preferences, contacts) and writes (the sent log). */
  readonly storage: Storage;
  /** Settings shared by the stack's functions. */
  readonly functions: FunctionDefaults;
  /**
   * The SES sender identity.
   * @default - none: e-mail is off
   */
  readonly sender?: NotificationSender;
  /** The admin panel's address, for links in e-mails. */
  readonly panelUrl: string;
}

export class Notifications extends Construct {
  /** Events carry ids only; SQS encrypts them at rest with its own keys. */
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly function: ParleyFunction;
  /** The identity the function may send from, when one was given. */
  readonly identityArn: string | undefined;
  /** Starts the daily digest: the notify function, once a day at `DIGEST_HOUR_UTC`. */
  readonly digestSchedule: events.Rule;

  constructor(scope: Construct, id: string, props: NotificationsProps) {
    super(scope, id);
    const timeout = Duration.seconds(NOTIFY_TIMEOUT_SECONDS);
    ({ queue: this.queue, deadLetterQueue: this.deadLetterQueue } = workQueues(this, 'notify', timeout, 'events'));

    this.function = new ParleyFunction(this, 'Function', {
      handler: 'notify',
      defaults: props.functions,
      description: 'Parley notifications: e-mails visitors\' requests and leads to the members who want them',
      memorySize: 256,
      timeout,
    });
    this.function.function.addEnvironment('PARLEY_PANEL_URL', props.panelUrl);
    consumeOneByOne(this.function, this.queue, 2);
    // No input: the function reads EventBridge's scheduled event, whose `time` is the run's clock.
    this.digestSchedule = new events.Rule(this, 'DailyDigest', {
      schedule: events.Schedule.cron({ hour: String(DIGEST_HOUR_UTC), minute: '0' }),
      targets: [new targets.LambdaFunction(this.function.function, { retryAttempts: 2 })],
    });
    Validations.of(this.digestSchedule).acknowledge({
      id: 'Serverless-EventBusDLQ',
      reason: 'A scheduled trigger with no payload: a lost run is retried twice and then raises the notify function\'s errors alarm; the day\'s entries are kept three days, so the run can be started again by hand.',
    });
    // Platform partitions with its own role; the account's members, contacts and keys through the tenant role.
    props.storage.grantPlatformData(this.function);

    if (props.sender) {
      const stack = Stack.of(this);
      this.identityArn = stack.formatArn({ service: 'ses', resource: 'identity', resourceName: props.sender.identity });
      this.function.function.addEnvironment('PARLEY_SES_SENDER', props.sender.from);
      this.function.function.addEnvironment('PARLEY_SES_IDENTITY_ARN', this.identityArn);
      // That identity and no other: the function cannot send as anyone else in the operator's account.
      this.function.role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'SendFromSenderIdentity', actions: ['ses:SendEmail'], resources: [this.identityArn] }));
    }
  }

  /**
   * Lets `fn` queue events, and tells it the queue's URL. Built from the queue's name
   * rather than a reference, as the export queue's is, so the sender does not wait for the queue.
   */
  grantSendFrom(fn: ParleyFunction): void {
    grantSendToWorkQueue(this, fn, this.queue, 'notify', 'PARLEY_NOTIFY_QUEUE_URL');
  }
}
