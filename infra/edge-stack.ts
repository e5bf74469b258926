/**
 * The edge stack, `Parley-<stage>-edge-<region>`, always in us-east-1: a web
 * ACL for a CloudFront distribution must live there. Its name carries the
 * deploy region, so one stage may be deployed in two regions. The main stack
 * reads the ACL's ARN through a cross-region reference.
 *
 * Rules, cheapest verdict first:
 * 1. per-IP rate limits (blocking), tightest for visitor sessions, then the admin API, then the widget API;
 * 2. AWS managed groups: IP reputation, known bad inputs, the common rule set; their rules that
 *    inspect the body only count (and label the request), because pasted sources and visitors'
 *    questions legitimately contain HTML, scripts, paths and addresses;
 * 3. a rule that blocks on those labels everywhere but the content routes (`contentRoutes`), whose
 *    bodies are stored as text and never rendered as HTML. The 8 KB body rule only counts
 *    everywhere: the API enforces its own size limits.
 * Every rule emits CloudWatch metrics and sampled requests (WAF metrics are free;
 * full WAF logging would store visitors' addresses, so it is left off).
 */
import { Stack } from 'aws-cdk-lib';
import type { StackProps } from 'aws-cdk-lib';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import { routes, type HttpMethod } from '../lambdas/http/routes.ts';
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

/**
 * The managed rules that inspect the request body, by group, with the label
 * each adds (AWS WAF developer guide, baseline rule groups). They count instead
 * of blocking; `ContentAwareBodyRules` blocks on their labels off the content routes.
 */
export const bodyRules: Readonly<Partial<Record<(typeof managedRuleGroups)[number], Readonly<Record<string, string>>>>> = {
  AWSManagedRulesCommonRuleSet: {
    CrossSiteScripting_BODY: 'awswaf:managed:aws:core-rule-set:CrossSiteScripting_Body',
    GenericLFI_BODY: 'awswaf:managed:aws:core-rule-set:GenericLFI_Body',
    GenericRFI_BODY: 'awswaf:managed:aws:core-rule-set:GenericRFI_Body',
    EC2MetaDataSSRF_BODY: 'awswaf:managed:aws:core-rule-set:EC2MetaDataSSRF_Body',
    SizeRestrictions_BODY: 'awswaf:managed:aws:core-rule-set:SizeRestrictions_Body',
  },
  AWSManagedRulesKnownBadInputsRuleSet: {
    JavaDeserializationRCE_BODY: 'awswaf:managed:aws:known-bad-inputs:JavaDeserializationRCE_Body',
    Log4JRCE_BODY: 'awswaf:managed:aws:known-bad-inputs:Log4JRCE_Body',
    ReactJSRCE_BODY: 'awswaf:managed:aws:known-bad-inputs:ReactJSRCE_Body',
  },
};

/** Body labels that only count, everywhere: the 8 KB rule (pasted sources are longer; the API has its own limits). */
export const countOnlyLabels: readonly string[] = ['awswaf:managed:aws:core-rule-set:SizeRestrictions_Body'];

/**
 * Routes whose bodies are content: an owner's pasted sources and bot settings
 * (instructions), a visitor's question, handoff, lead and feedback. Stored as
 * text, embedded or sent to a model, never rendered as HTML.
 */
export const contentRoutes: readonly { method: HttpMethod; path: string }[] = [
  { method: 'POST', path: '/v1/bots/{botId}/sources' },
  { method: 'PATCH', path: '/v1/bots/{botId}' },
  { method: 'POST', path: '/widget/v1/{publicId}/chat' },
  { method: 'POST', path: '/widget/v1/{publicId}/handoff' },
  { method: 'POST', path: '/widget/v1/{publicId}/lead' },
  { method: 'POST', path: '/widget/v1/{publicId}/feedback' },
];

/** `/v1/bots/{botId}/sources` → `^/v1/bots/[^/]+/sources$`. */
export const pathPattern = (path: string): string => `^${path.replace(/\{[^}]+\}/g, '[^/]+')}$`;

/** The content routes as one statement: method and whole path, per route. */
const contentRouteStatement = (): wafv2.CfnWebACL.StatementProperty => {
  for (const route of contentRoutes) {
    if (!routes.some((r) => r.method === route.method && r.path === route.path)) throw new Error(`EdgeStack: ${route.method} ${route.path} is not a route`);
  }
  return {
    orStatement: {
      statements: contentRoutes.map((route) => ({
        andStatement: {
          statements: [
            { byteMatchStatement: { fieldToMatch: { method: {} }, positionalConstraint: 'EXACTLY', searchString: route.method, textTransformations: [{ priority: 0, type: 'NONE' }] } },
            { regexMatchStatement: { fieldToMatch: { uriPath: {} }, regexString: pathPattern(route.path), textTransformations: [{ priority: 0, type: 'NONE' }] } },
          ],
        },
      })),
    },
  };
};

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
            // The body rules count (and label); ContentAwareBodyRules below decides.
            ...(bodyRules[group] ? { ruleActionOverrides: Object.keys(bodyRules[group]).map((rule) => ({ name: rule, actionToUse: { count: {} } })) } : {}),
          },
        },
        visibilityConfig: visibility(name(group)),
      })),
      {
        name: 'ContentAwareBodyRules',
        priority: 20,
        action: { block: {} },
        statement: {
          andStatement: {
            statements: [
              {
                orStatement: {
                  statements: Object.values(bodyRules).flatMap((labels) => Object.values(labels))
                    .filter((label) => !countOnlyLabels.includes(label))
                    .map((key) => ({ labelMatchStatement: { scope: 'LABEL', key } })),
                },
              },
              { notStatement: { statement: contentRouteStatement() } },
            ],
          },
        },
        visibilityConfig: visibility(name('ContentAwareBodyRules')),
      },
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
