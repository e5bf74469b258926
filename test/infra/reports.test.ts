// Reports, not gates: cdk-nag's NIST 800-53 rev. 5 findings per rule, and the cost estimate
// computed from the resources in the templates.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { estimate } from '../../infra/ops/cost-estimate.ts';
import { nistReport } from '../../infra/ops/nist-report.ts';
import { buildParleyApp } from './fixtures/parley-app.ts';

describe('NIST 800-53 rev. 5 report', () => {
  it('counts findings per rule over both stacks without failing the synth', () => {
    const parley = buildParleyApp();
    const report = nistReport(parley);
    expect(report.pack).toBe('NIST.800.53.R5');
    expect(report.total).toBe(Object.values(report.findingsByRule).reduce((a, b) => a + b, 0));
    for (const [rule, count] of Object.entries(report.findingsByRule)) expect(report.resourcesByRule[rule], rule).toHaveLength(count);
    // Report-only: the app's own validation plugins (AWS Solutions, Serverless) still pass.
    expect(() => parley.app.synth()).not.toThrow();
  }, 60_000);

  it('is written to test/bench/results/nist-800-53-r5.json by node infra/ops/nist-report.ts', () => {
    const file = new URL('../bench/results/nist-800-53-r5.json', import.meta.url);
    expect(existsSync(file)).toBe(true);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ pack: 'NIST.800.53.R5', findingsByRule: expect.any(Object) as unknown });
  });
});

describe('cost estimate', () => {
  it('prices what the templates hold: one KMS key-month per key, the WAF only when it is on', () => {
    const on = estimate();
    const off = estimate({ waf: false });
    const line = (r: typeof on, prefix: string) => r.idle.lines.find((l) => l.item.startsWith(prefix))!;
    expect(line(on, 'KMS').quantity).toBe(on.inventory.kmsKeys);
    expect(line(on, 'KMS').usd).toBe(on.inventory.kmsKeys);
    expect(on.inventory.kmsKeys).toBeGreaterThanOrEqual(6);
    expect(line(on, 'WAF').usd).toBe(5 + on.inventory.wafRules);
    expect(line(off, 'WAF').usd).toBe(0);
    expect(on.idle.monthlyUsd - off.idle.monthlyUsd).toBeCloseTo(5 + on.inventory.wafRules, 2);
    expect(on.idle.withoutWafUsd).toBeCloseTo(off.idle.monthlyUsd, 2);
  }, 60_000);

  it('prices 10,000 chats from the chat function\'s memory and the stated duration, models excluded', () => {
    const result = estimate();
    const lambda = result.tenThousandChats.lines.find((l) => l.item.startsWith('Lambda chat-stream'))!;
    expect(lambda.quantity).toBe(10_000 * result.tenThousandChats.assumptions.chatStreamSeconds * (result.inventory.chatMemoryMb / 1024));
    expect(result.tenThousandChats.monthlyUsd).toBeGreaterThan(0);
    expect(result.excluded).toMatch(/Model-provider charges/);
  }, 60_000);
});
