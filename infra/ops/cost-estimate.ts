/**
 * What a deployment costs, from the resources actually in the synthesized
 * templates and public list prices: `npm run cost [-- -c key=value …]`.
 * Writes `test/bench/results/cost.json` and prints a summary.
 *
 * (a) idle: a month with no traffic — what is billed by the hour or month
 *     whatever happens (KMS keys, secrets, the WAF, alarms, Contributor Insights
 *     rules, the dashboard), plus storage at a stated size;
 * (b) 10,000 answered chats in a month, with the assumptions stated in
 *     `chatAssumptions`. Model-provider charges are not AWS's and are left out.
 *
 * Free tiers are NOT subtracted (they are per account, shared with whatever
 * else runs there); `freeTierNote` says which would absorb what.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Template } from 'aws-cdk-lib/assertions';
import { analysisApp } from './analysis-app.ts';

/** List prices in USD, read 2026-11 from the pages named in `sources`. */
export const prices = {
  date: '2026-11',
  sources: [
    'https://aws.amazon.com/lambda/pricing/',
    'https://aws.amazon.com/dynamodb/pricing/on-demand/',
    'https://aws.amazon.com/kms/pricing/',
    'https://aws.amazon.com/secrets-manager/pricing/',
    'https://aws.amazon.com/waf/pricing/',
    'https://aws.amazon.com/cloudfront/pricing/',
    'https://aws.amazon.com/api-gateway/pricing/',
    'https://aws.amazon.com/cloudwatch/pricing/',
    'https://aws.amazon.com/s3/pricing/',
    'https://aws.amazon.com/sqs/pricing/',
    'https://aws.amazon.com/xray/pricing/',
    'https://aws.amazon.com/backup/pricing/',
    'https://aws.amazon.com/cognito/pricing/',
  ],
  /** Prices that depend on the region; CloudFront, WAF and KMS are the same everywhere listed. */
  regions: {
    'eu-west-1': {
      lambdaArmGbSecond: 0.0000133334, lambdaRequestPerMillion: 0.2,
      dynamoWriteRequestUnitPerMillion: 0.7063, dynamoReadRequestUnitPerMillion: 0.1413, dynamoStorageGbMonth: 0.283, dynamoPitrGbMonth: 0.2265,
      logsIngestGb: 0.57, logsStoreGbMonth: 0.03, s3StandardGbMonth: 0.023, backupWarmGbMonth: 0.113,
    },
    'eu-central-1': {
      lambdaArmGbSecond: 0.0000133334, lambdaRequestPerMillion: 0.2,
      dynamoWriteRequestUnitPerMillion: 0.7625, dynamoReadRequestUnitPerMillion: 0.1525, dynamoStorageGbMonth: 0.306, dynamoPitrGbMonth: 0.2448,
      logsIngestGb: 0.63, logsStoreGbMonth: 0.0324, s3StandardGbMonth: 0.0245, backupWarmGbMonth: 0.122,
    },
    'us-east-1': {
      lambdaArmGbSecond: 0.0000133334, lambdaRequestPerMillion: 0.2,
      dynamoWriteRequestUnitPerMillion: 0.625, dynamoReadRequestUnitPerMillion: 0.125, dynamoStorageGbMonth: 0.25, dynamoPitrGbMonth: 0.2,
      logsIngestGb: 0.5, logsStoreGbMonth: 0.03, s3StandardGbMonth: 0.023, backupWarmGbMonth: 0.1,
    },
  },
  global: {
    kmsKeyMonth: 1, kmsRequestsPer10k: 0.03,
    secretMonth: 0.4,
    wafAclMonth: 5, wafRuleMonth: 1, wafRequestsPerMillion: 0.6,
    cloudfrontHttpsPer10k: 0.012, cloudfrontGbOutEurope: 0.085, cloudfrontFunctionPerMillion: 0.1,
    alarmMonth: 0.1, anomalyAlarmMonth: 0.3, dashboardMonth: 3, insightRuleMonth: 0.5, insightEventsPerMillion: 0.02, customMetricMonth: 0.3,
    sqsPerMillion: 0.4, xrayTracesPerMillion: 5,
  },
} as const;

/** What one answered chat does, and why we think so. */
export const chatAssumptions = {
  chatStreamSeconds: 6,
  chatStreamSecondsWhy: 'Billed for the whole stream: Parley\'s own part measured 20 ms p50 to first byte (test/bench/results/chat.json, local), ' +
    'the rest is waiting on the model (~1 s to first token, ~300 output tokens at ~60 tokens/s).',
  widgetApiCallsPerChat: 0.5,
  widgetApiSeconds: 0.1,
  widgetApiCallsWhy: 'A visitor session (one per page view) and config, shared by about two questions; feedback and leads are rarer.',
  dynamoReadUnitsPerChat: 40,
  dynamoWriteUnitsPerChat: 20,
  dynamoWhy: 'From lambdas/core/chat.ts: bot lookup, account, index head, conversation and its turns, the account content key, the owner key; ' +
    '~20 candidate chunks re-read for rescoring (packed codes stay in a warm function); writes: two rate meters, the budget reservation and ' +
    'settlement (transactions, doubled), the conversation turn and head, the usage meter.',
  kmsRequestsPerChat: 2,
  kmsWhy: 'Unwrap the account content key and seal the conversation turn (upper bound: a warm function reuses unwrapped keys).',
  cloudfrontRequestsPerChat: 2,
  cloudfrontKbOutPerChat: 12,
  cloudfrontWhy: 'The streamed answer (~5 KB) and the widget API call; widget.js (~30 KB) is cached by browsers and counted once per ~5 chats.',
  logKbPerChat: 3,
  logWhy: 'Lambda START/END/REPORT lines, the request and spend JSON lines, a warning now and then.',
  insightEventsPerChat: 3,
  xraySampledShare: 0.05,
} as const;

type RegionPrices = Record<keyof (typeof prices.regions)['eu-west-1'], number>;

interface Line { readonly item: string; readonly quantity: number; readonly unit: string; readonly usd: number }

const round = (usd: number) => Math.round(usd * 100) / 100;

/** Resources by type across the templates, and the functions' memory. */
const inventory = (templates: readonly Template[]) => {
  const all = templates.flatMap((t) => Object.values((t.toJSON() as { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> }).Resources));
  const count = (type: string) => all.filter((r) => r.Type === type).length;
  const functions = all.filter((r) => r.Type === 'AWS::Lambda::Function' && (r.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables?.PARLEY_STAGE === 'aws');
  const memoryOf = (description: string) => (functions.find((f) => String(f.Properties?.Description).startsWith(description))?.Properties?.MemorySize as number | undefined) ?? 512;
  const webAcl = all.find((r) => r.Type === 'AWS::WAFv2::WebACL');
  const alarms = all.filter((r) => r.Type === 'AWS::CloudWatch::Alarm');
  const anomaly = alarms.filter((a) => a.Properties?.ThresholdMetricId !== undefined).length;
  return {
    kmsKeys: count('AWS::KMS::Key'),
    secrets: count('AWS::SecretsManager::Secret'),
    webAcls: webAcl ? 1 : 0,
    wafRules: ((webAcl?.Properties?.Rules as unknown[] | undefined) ?? []).length,
    alarms: alarms.length - anomaly,
    anomalyAlarms: anomaly,
    dashboards: count('AWS::CloudWatch::Dashboard'),
    insightRules: count('AWS::CloudWatch::InsightRule'),
    metricFilters: count('AWS::Logs::MetricFilter'),
    tables: count('AWS::DynamoDB::Table'),
    chatMemoryMb: memoryOf('Parley chat'),
    widgetMemoryMb: memoryOf('Parley widget API'),
  };
};

export const estimate = (context: Record<string, unknown> = {}) => {
  const parley = analysisApp(context);
  const templates = [Template.fromStack(parley.stack), ...(parley.edge ? [Template.fromStack(parley.edge)] : [])];
  const inv = inventory(templates);
  const region = parley.parameters.region;
  const known = region in prices.regions;
  const r: RegionPrices = prices.regions[(known ? region : 'eu-west-1') as keyof typeof prices.regions];
  const g = prices.global;

  // (a) Idle: a month with no traffic; storage at a stated small size.
  const storageGb = { table: 1, documents: 5, logs: 1, backups: 6 };
  const idle: Line[] = [
    { item: 'KMS customer-managed keys', quantity: inv.kmsKeys, unit: 'keys', usd: inv.kmsKeys * g.kmsKeyMonth },
    { item: 'Secrets Manager secrets (edge secret; platform key secrets are the operator\'s, $0.40 each)', quantity: inv.secrets, unit: 'secrets', usd: inv.secrets * g.secretMonth },
    { item: 'WAF web ACL and its rules (off with -c waf=false)', quantity: inv.wafRules, unit: 'rules', usd: inv.webAcls * g.wafAclMonth + inv.wafRules * g.wafRuleMonth },
    { item: 'CloudWatch alarms', quantity: inv.alarms, unit: 'alarms', usd: inv.alarms * g.alarmMonth },
    { item: 'CloudWatch anomaly-detection alarms (3 metrics each)', quantity: inv.anomalyAlarms, unit: 'alarms', usd: inv.anomalyAlarms * g.anomalyAlarmMonth },
    { item: 'Contributor Insights rules', quantity: inv.insightRules, unit: 'rules', usd: inv.insightRules * g.insightRuleMonth },
    { item: 'CloudWatch dashboard (free if the account has fewer than 3)', quantity: inv.dashboards, unit: 'dashboards', usd: inv.dashboards * g.dashboardMonth },
    { item: `DynamoDB storage and PITR (${storageGb.table} GB)`, quantity: storageGb.table, unit: 'GB', usd: storageGb.table * (r.dynamoStorageGbMonth + r.dynamoPitrGbMonth) },
    { item: `S3 documents, versions included (${storageGb.documents} GB)`, quantity: storageGb.documents, unit: 'GB', usd: storageGb.documents * r.s3StandardGbMonth },
    { item: `AWS Backup copies (${storageGb.backups} GB)`, quantity: storageGb.backups, unit: 'GB', usd: storageGb.backups * r.backupWarmGbMonth },
    { item: `CloudWatch Logs stored (${storageGb.logs} GB)`, quantity: storageGb.logs, unit: 'GB', usd: storageGb.logs * r.logsStoreGbMonth },
  ];

  // (b) 10,000 answered chats in a month.
  const chats = 10_000;
  const a = chatAssumptions;
  const chatGbS = chats * a.chatStreamSeconds * (inv.chatMemoryMb / 1024);
  const widgetCalls = chats * a.widgetApiCallsPerChat;
  const widgetGbS = widgetCalls * a.widgetApiSeconds * (inv.widgetMemoryMb / 1024);
  const cfRequests = chats * a.cloudfrontRequestsPerChat;
  const traffic: Line[] = [
    { item: `Lambda chat-stream (${inv.chatMemoryMb} MB × ${a.chatStreamSeconds} s)`, quantity: chatGbS, unit: 'GB-s', usd: chatGbS * r.lambdaArmGbSecond + chats * r.lambdaRequestPerMillion / 1e6 },
    { item: `Lambda widget-api (${inv.widgetMemoryMb} MB × ${a.widgetApiSeconds} s)`, quantity: widgetGbS, unit: 'GB-s', usd: widgetGbS * r.lambdaArmGbSecond + widgetCalls * r.lambdaRequestPerMillion / 1e6 },
    { item: 'DynamoDB on-demand reads', quantity: chats * a.dynamoReadUnitsPerChat, unit: 'read request units', usd: chats * a.dynamoReadUnitsPerChat * r.dynamoReadRequestUnitPerMillion / 1e6 },
    { item: 'DynamoDB on-demand writes', quantity: chats * a.dynamoWriteUnitsPerChat, unit: 'write request units', usd: chats * a.dynamoWriteUnitsPerChat * r.dynamoWriteRequestUnitPerMillion / 1e6 },
    { item: 'KMS requests', quantity: chats * a.kmsRequestsPerChat, unit: 'requests', usd: chats * a.kmsRequestsPerChat * g.kmsRequestsPer10k / 1e4 },
    { item: 'CloudFront HTTPS requests and data out (Europe)', quantity: cfRequests, unit: 'requests', usd: cfRequests * g.cloudfrontHttpsPer10k / 1e4 + chats * a.cloudfrontKbOutPerChat / 1e6 * g.cloudfrontGbOutEurope },
    { item: 'CloudFront Functions (viewer address)', quantity: cfRequests, unit: 'invocations', usd: cfRequests * g.cloudfrontFunctionPerMillion / 1e6 },
    { item: 'WAF requests', quantity: inv.webAcls ? cfRequests : 0, unit: 'requests', usd: inv.webAcls * cfRequests * g.wafRequestsPerMillion / 1e6 },
    { item: 'CloudWatch Logs ingested', quantity: chats * a.logKbPerChat / 1e6, unit: 'GB', usd: chats * a.logKbPerChat / 1e6 * r.logsIngestGb },
    { item: 'Contributor Insights matched log events', quantity: chats * a.insightEventsPerChat * inv.insightRules, unit: 'events', usd: chats * a.insightEventsPerChat * inv.insightRules * g.insightEventsPerMillion / 1e6 },
    { item: 'Spend metric (custom metric, published hourly)', quantity: inv.metricFilters, unit: 'metrics', usd: inv.metricFilters * g.customMetricMonth },
    { item: 'X-Ray traces (default sampling)', quantity: chats * a.xraySampledShare, unit: 'traces', usd: chats * a.xraySampledShare * g.xrayTracesPerMillion / 1e6 },
  ];

  const total = (lines: readonly Line[]) => round(lines.reduce((sum, l) => sum + l.usd, 0));
  const rounded = (lines: readonly Line[]) => lines.map((l) => ({ ...l, quantity: Math.round(l.quantity * 1000) / 1000, usd: Math.round(l.usd * 10_000) / 10_000 }));
  return {
    date: new Date().toISOString().slice(0, 10),
    region,
    pricesFrom: known ? region : `eu-west-1 (no price table for ${region})`,
    pricesDate: prices.date,
    parameters: { waf: parley.parameters.waf, stage: parley.parameters.stage },
    inventory: inv,
    idle: { monthlyUsd: total(idle), withoutWafUsd: round(total(idle) - (inv.webAcls * g.wafAclMonth + inv.wafRules * g.wafRuleMonth)), lines: rounded(idle) },
    tenThousandChats: { chats, monthlyUsd: total(traffic), perChatUsd: Math.round(total(traffic) / chats * 1e6) / 1e6, lines: rounded(traffic), assumptions: chatAssumptions },
    excluded: 'Model-provider charges (OpenAI, Anthropic, an owner\'s endpoint) are billed by the provider per token: with the platform key, roughly $0.001–0.01 per answer depending on the model; with an owner\'s key, the owner pays.',
    freeTierNote: 'Not subtracted: Lambda (1M requests, 400,000 GB-s), CloudFront (1 TB, 10M requests), KMS (20,000 requests), X-Ray (100,000 traces), ' +
      'SQS (1M requests), Cognito Essentials (10,000 monthly active users) and 3 dashboards per account are free each month; under them the 10,000 chats cost little more than DynamoDB, WAF requests and logs.',
    prices,
  };
};

if (import.meta.main) {
  const { values } = parseArgs({ options: { context: { type: 'string', short: 'c', multiple: true } } });
  const context = Object.fromEntries((values.context ?? []).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
  const result = estimate(context);
  const out = path.resolve(import.meta.dirname, '../../test/bench/results/cost.json');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`${result.region} (prices ${result.pricesFrom}, ${result.pricesDate})`);
  console.log(`idle: $${result.idle.monthlyUsd}/month ($${result.idle.withoutWafUsd} with waf=false)`);
  for (const l of result.idle.lines) console.log(`  ${l.item}: $${l.usd}`);
  console.log(`10,000 chats: $${result.tenThousandChats.monthlyUsd}/month ($${result.tenThousandChats.perChatUsd} a chat), model charges excluded`);
  for (const l of result.tenThousandChats.lines) console.log(`  ${l.item}: $${l.usd}`);
  console.log(`written to ${path.relative(process.cwd(), out)}`);
}
