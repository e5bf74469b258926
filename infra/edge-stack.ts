/**
 * The edge stack, `Parley-<stage>-edge-<region>`, always in us-east-1: a web
 * ACL for a CloudFront distribution must live there. Its name carries the
 * deploy region, so one stage may be deployed in two regions. The main stack
 * reads the ACL's ARN through a cross-region reference.
 *
 * Rules, cheapest verdict first:
 * 1. per-IP rate limits (blocking), tightest for visitor sessions, then the admin API, then the widget API;
 * 2. AWS managed groups: IP reputation, known bad inputs, the common rule set.
 * Every rule emits CloudWatch metrics and sampled requests (WAF metrics are free;
 * full WAF logging would store visitors' addresses, so it is left off).
 */
import { Stack } from 'aws-cdk-lib';
import type { StackProps } from 'aws-cdk-lib';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import type { Naming } from './naming.ts';

/** Requests one IP may make in 5 minutes before WAF blocks it (WAF's rate window is 5 minutes by default). */
export const rateLimits = {
  /** Visitor-session creation: a page load makes one. */
  sessions: 100,
  /** The admin API: a signed-in panel makes tens a minute at most. */
  admin: 600,
  /** The widget API and streamed chat. */
  widget: 300,
} as const;

/** AWS managed rule groups, each counted as one rule in WAF's price. */
export const managedRuleGroups = ['AWSManagedRulesAmazonIpReputationList', 'AWSManagedRulesKnownBadInputsRuleSet', 'AWSManagedRulesCommonRuleSet'] as const;

export interface EdgeStackProps extends StackProps {
  /** Prefix of the rules' metric names. */
  readonly metricPrefix: string;
  /** Physical names of the stage and deploy region the ACL serves. */
  readonly naming: Naming;
}

const visibility = (name: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
  cloudWatchMetricsEnabled: true,
  metricName: name,
  sampledRequestsEnabled: true,
});

const pathMatch = (positionalConstraint: 'STARTS_WITH' | 'ENDS_WITH', searchString: string): wafv2.CfnWebACL.StatementProperty => ({
  byteMatchStatement: {
    fieldToMatch: { uriPath: {} },
    positionalConstraint,
    searchString,
    textTransformations: [{ priority: 0, type: 'NONE' }],
  },
});

export class EdgeStack extends Stack {
  readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: EdgeStackProps) {
    super(scope, id, props);
    if (props.env?.region !== 'us-east-1') throw new Error('EdgeStack: CloudFront web ACLs must be created in us-east-1');
    const name = (rule: string) => `${props.metricPrefix}-${rule}`;

    const rateRule = (rule: string, priority: number, limit: number, scopeDown: wafv2.CfnWebACL.StatementProperty): wafv2.CfnWebACL.RuleProperty => ({
      name: rule,
      priority,
      action: { block: {} },
      statement: { rateBasedStatement: { aggregateKeyType: 'IP', limit, evaluationWindowSec: 300, scopeDownStatement: scopeDown } },
      visibilityConfig: visibility(name(rule)),
    });
    const rules: wafv2.CfnWebACL.RuleProperty[] = [
      rateRule('RateSessions', 0, rateLimits.sessions, {
        andStatement: { statements: [pathMatch('STARTS_WITH', '/widget/v1/'), pathMatch('ENDS_WITH', '/sessions')] },
      }),
      rateRule('RateAdmin', 1, rateLimits.admin, pathMatch('STARTS_WITH', '/v1/')),
      rateRule('RateWidget', 2, rateLimits.widget, pathMatch('STARTS_WITH', '/widget/v1/')),
      ...managedRuleGroups.map((group, i): wafv2.CfnWebACL.RuleProperty => ({
        name: group,
        priority: 10 + i,
        overrideAction: { none: {} },
        statement: {
          managedRuleGroupStatement: {
            vendorName: 'AWS',
            name: group,
            // Pasted sources may exceed the common set's 8 KB body rule; the API enforces its own size limits.
            ...(group === 'AWSManagedRulesCommonRuleSet' ? { ruleActionOverrides: [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }] } : {}),
          },
        },
        visibilityConfig: visibility(name(group)),
      })),
    ];

    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name: props.naming.of('webAcl'),
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      description: 'Parley: rate limits per address and AWS managed protections in front of the distribution',
      visibilityConfig: visibility(name('WebAcl')),
      rules,
    });
  }
}
