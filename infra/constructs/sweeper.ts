/**
 * The sweeper: a function run every day at 04:00 UTC that deletes what has expired
 * and TTL has not removed yet (retention as a deadline). It reads keys only, no
 * content, and needs no content key.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import { acknowledgeKmsGrantWildcards } from '../nag.ts';
import { ParleyFunction } from './parley-function.ts';
import type { FunctionDefaults } from './parley-function.ts';
import type { Storage } from './storage.ts';

export interface SweeperProps {
  readonly storage: Storage;
  readonly functions: FunctionDefaults;
}

export class Sweeper extends Construct {
  readonly function: ParleyFunction;

  constructor(scope: Construct, id: string, props: SweeperProps) {
    super(scope, id);
    this.function = new ParleyFunction(this, 'Function', {
      handler: 'sweeper',
      defaults: props.functions,
      description: 'Parley sweeper: deletes expired items TTL has not removed yet',
      // One run a day and at most 10 minutes each, so runs never overlap without a reservation.
      timeout: Duration.minutes(10),
    });
    props.storage.table.grantReadWriteData(this.function);
    acknowledgeKmsGrantWildcards(this.function);
    const daily = new events.Rule(this, 'Daily', {
      schedule: events.Schedule.cron({ hour: '4', minute: '0' }),
      targets: [new targets.LambdaFunction(this.function.function, { retryAttempts: 2 })],
    });
    Validations.of(daily).acknowledge({
      id: 'Serverless-EventBusDLQ',
      reason: 'A scheduled trigger with no payload: a lost event is the next day\'s run, and a failed run raises the sweeper\'s errors alarm; a queue would keep nothing worth replaying.',
    });
  }
}
