import { Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ParleyApp } from '../../infra/app.ts';
import { buildParleyApp, customDomainContext } from './fixtures/parley-app.ts';

interface Acknowledgement {
  readonly path: string;
  readonly id: string;
  readonly reason: string;
}

const acknowledgementsIn = (parley: ParleyApp): Acknowledgement[] =>
  parley.app.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({ path: construct.node.path, id, reason })),
      ),
  );

let parley: ParleyApp;

beforeAll(() => {
  parley = buildParleyApp();
}, 60_000);

const findingsOf = (pack: AwsSolutionsChecks | ServerlessChecks, app: ParleyApp) =>
  pack.validateScope(app.app).violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`));

describe('cdk-nag AWS Solutions and Serverless checks', () => {
  it('find nothing that is not acknowledged, in both stacks', () => {
    expect(parley.edge).toBeDefined();
    expect(findingsOf(new AwsSolutionsChecks(), parley)).toEqual([]);
    expect(findingsOf(new ServerlessChecks(), parley)).toEqual([]);
  });

  it('find nothing either with a custom domain and without the WAF (other acknowledgements apply)', () => {
    const other = buildParleyApp({ context: { ...customDomainContext, waf: false, alarmEmail: 'ops@example.com' } });
    expect(findingsOf(new AwsSolutionsChecks(), other)).toEqual([]);
    expect(findingsOf(new ServerlessChecks(), other)).toEqual([]);
  }, 60_000);

  it('are acknowledged only on the resources concerned, never stack- or app-wide, each with a written reason', () => {
    const acknowledgements = acknowledgementsIn(parley);
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const { path, id, reason } of acknowledgements) {
      expect([parley.app.node.path, parley.stack.node.path, parley.edge?.node.path], id).not.toContain(path);
      expect(id).toMatch(/(AwsSolutions-[A-Z]+\d+|Serverless-[A-Za-z]+)/);
      expect(reason.trim().length, `${id} at ${path}`).toBeGreaterThanOrEqual(60);
    }
  });

  it('run on every synth, so a new finding fails it', () => {
    const probe = buildParleyApp();
    new s3.Bucket(probe.stack, 'PlainBucket');
    expect(() => probe.app.synth()).toThrow(/AwsSolutions-S10/);
  }, 60_000);

  it('run the Serverless pack on every synth too', () => {
    const probe = buildParleyApp();
    new sqs.Queue(probe.stack, 'PlainQueue', { enforceSSL: true });
    expect(() => probe.app.synth()).toThrow(/Serverless-SQSRedrivePolicy/);
  }, 60_000);
});
