import { Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ParleyApp } from '../../infra/app.ts';
import { buildParleyApp } from './fixtures/parley-app.ts';

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

describe('cdk-nag AWS Solutions checks', () => {
  it('find nothing that is not acknowledged', () => {
    const report = new AwsSolutionsChecks().validateScope(parley.app);
    const findings = report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`));
    expect(findings).toEqual([]);
  });

  it('are acknowledged only on the resources concerned, never stack- or app-wide, each with a written reason', () => {
    const acknowledgements = acknowledgementsIn(parley);
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const { path, id, reason } of acknowledgements) {
      expect([parley.app.node.path, parley.stack.node.path], id).not.toContain(path);
      expect(id).toMatch(/AwsSolutions-[A-Z]+\d+/);
      expect(reason.trim().length, `${id} at ${path}`).toBeGreaterThanOrEqual(60);
    }
  });

  it('run on every synth, so a new finding fails it', () => {
    const probe = buildParleyApp();
    new s3.Bucket(probe.stack, 'PlainBucket');
    expect(() => probe.app.synth()).toThrow(/AwsSolutions-S10/);
  }, 60_000);
});
