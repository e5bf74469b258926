// Daily backups of the data table and the documents bucket into their own encrypted
// vault, kept 30 days; the keys table is left out so erasure reaches every backup.
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ParleyApp } from '../../infra/app.ts';
import { buildParleyApp, logicalIdOf, propertiesOf, resourcesOfType, templateOf } from './fixtures/parley-app.ts';

let parley: ParleyApp;
let template: Template;

beforeAll(() => {
  parley = buildParleyApp();
  template = templateOf(parley);
}, 60_000);

describe('backups', () => {
  it('backs up the table and the bucket daily into an encrypted vault for 30 days, never the keys table', () => {
    expect(propertiesOf(template, parley.stack.backups.vault).EncryptionKeyArn).toBeDefined();
    const plan = propertiesOf(template, parley.stack.backups.plan).BackupPlan as { BackupPlanRule: Array<{ Lifecycle: { DeleteAfterDays: number }; ScheduleExpression: string }> };
    expect(plan.BackupPlanRule).toEqual([expect.objectContaining({ Lifecycle: { DeleteAfterDays: 30 }, ScheduleExpression: expect.stringContaining('cron') as string })]);
    const [selection] = Object.values(resourcesOfType(template, 'AWS::Backup::BackupSelection'));
    const resources = JSON.stringify(selection?.Properties);
    expect(resources).toContain(logicalIdOf(parley.stack.storage.table));
    expect(resources).toContain(logicalIdOf(parley.stack.storage.documents));
    expect(resources).not.toContain(logicalIdOf(parley.stack.storage.keysTable));
  });
});
