// The WAF web ACL: in its own stack in us-east-1 (CloudFront's region for web ACLs), with
// AWS managed rule groups and per-IP rate limits, attached to the distribution through a
// cross-region reference; off with waf=false.
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ParleyApp } from '../../infra/app.ts';
import { buildParleyApp, edgeTemplateOf, propertiesOf, templateOf } from './fixtures/parley-app.ts';

interface Rule {
  Name: string;
  Priority: number;
  Action?: Record<string, unknown>;
  OverrideAction?: Record<string, unknown>;
  Statement: Record<string, unknown>;
  VisibilityConfig: { CloudWatchMetricsEnabled: boolean; SampledRequestsEnabled: boolean };
}

let parley: ParleyApp;
let edge: Template;

beforeAll(() => {
  parley = buildParleyApp();
  edge = edgeTemplateOf(parley);
}, 60_000);

const acl = () => propertiesOf(edge, parley.edge!.webAcl) as { Scope: string; DefaultAction: unknown; Rules: Rule[]; VisibilityConfig: { CloudWatchMetricsEnabled: boolean } };
const rule = (name: string) => acl().Rules.find((r) => r.Name === name)!;
const paths = (statement: unknown): string[] =>
  JSON.stringify(statement).match(/"SearchString":"[^"]+"/g)?.map((m) => m.slice(16, -1)) ?? [];

describe('edge stack', () => {
  it('is Parley-<stage>-edge-<region> in us-east-1, and the main stack depends on it', () => {
    expect(parley.edge?.stackName).toBe('Parley-dev-edge-eu-west-1');
    expect(parley.edge?.region).toBe('us-east-1');
    expect(parley.stack.dependencies).toContain(parley.edge);
  });

  it('holds a CloudFront-scope web ACL that allows by default, with metrics on the ACL and every rule', () => {
    expect(acl()).toMatchObject({ Scope: 'CLOUDFRONT', DefaultAction: { Allow: {} }, VisibilityConfig: { CloudWatchMetricsEnabled: true } });
    for (const r of acl().Rules) expect(r.VisibilityConfig, r.Name).toMatchObject({ CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true });
  });

  it('applies the AWS managed common, known-bad-inputs and IP-reputation groups', () => {
    for (const name of ['AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet', 'AWSManagedRulesAmazonIpReputationList']) {
      expect(rule(name), name).toMatchObject({ OverrideAction: { None: {} }, Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: name } } });
    }
  });

  it('blocks an address past its rate: sessions tightest, then the admin API, then the widget API, evaluated first', () => {
    const rate = (name: string) => (rule(name).Statement as { RateBasedStatement: { Limit: number; AggregateKeyType: string; EvaluationWindowSec: number; ScopeDownStatement: unknown } }).RateBasedStatement;
    for (const name of ['RateSessions', 'RateAdmin', 'RateWidget']) {
      expect(rule(name).Action, name).toEqual({ Block: {} });
      expect(rate(name), name).toMatchObject({ AggregateKeyType: 'IP', EvaluationWindowSec: 300 });
    }
    expect(rate('RateWidget').Limit).toBe(300);
    expect(rate('RateSessions').Limit).toBeLessThan(rate('RateWidget').Limit);
    expect(paths(rate('RateSessions').ScopeDownStatement)).toEqual(['/widget/v1/', '/sessions']);
    expect(paths(rate('RateAdmin').ScopeDownStatement)).toEqual(['/v1/']);
    expect(paths(rate('RateWidget').ScopeDownStatement)).toEqual(['/widget/v1/']);
    const managed = Math.min(...acl().Rules.filter((r) => r.OverrideAction).map((r) => r.Priority));
    for (const name of ['RateSessions', 'RateAdmin', 'RateWidget']) expect(rule(name).Priority).toBeLessThan(managed);
  });

  it('is attached to the distribution through a cross-region reference', () => {
    const distribution = propertiesOf(templateOf(parley), parley.stack.hosting.distribution).DistributionConfig as { WebACLId: unknown };
    expect(distribution.WebACLId).toEqual({
      'Fn::GetStackOutput': expect.objectContaining({ StackName: 'Parley-dev-edge-eu-west-1', Region: 'us-east-1' }) as unknown,
    });
  });

  it('is left out with waf=false, and so is the distribution\'s web ACL', () => {
    const off = buildParleyApp({ context: { waf: false } });
    expect(off.edge).toBeUndefined();
    expect(off.app.node.tryFindChild('Parley-dev-edge-eu-west-1')).toBeUndefined();
    const distribution = propertiesOf(templateOf(off), off.stack.hosting.distribution).DistributionConfig as Record<string, unknown>;
    expect(distribution).not.toHaveProperty('WebACLId');
  }, 60_000);
});
