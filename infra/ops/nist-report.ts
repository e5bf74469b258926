/**
 * cdk-nag's NIST 800-53 rev. 5 pack as a report, not a gate: it names controls
 * an auditor may ask about (VPC placement of functions, backups of every table,
 * WAF logging, …), several of which Parley answers by design rather than by
 * configuration. `node infra/ops/nist-report.ts` writes the findings per rule to
 * `test/bench/results/nist-800-53-r5.json`; the synth never fails on them.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { NIST80053R5Checks } from 'cdk-nag';
import type { ParleyApp } from '../app.ts';
import { analysisApp } from './analysis-app.ts';

export interface NistReport {
  readonly pack: 'NIST.800.53.R5';
  /** Resources flagged, by rule. */
  readonly findingsByRule: Record<string, number>;
  /** The flagged construct paths, by rule. */
  readonly resourcesByRule: Record<string, string[]>;
  readonly total: number;
}

/** Runs the pack over every stack of the app. */
export const nistReport = (parley: ParleyApp): NistReport => {
  const { violations } = new NIST80053R5Checks().validateScope(parley.app);
  const resourcesByRule: Record<string, string[]> = {};
  for (const v of violations) {
    const rule = v.ruleName.replace(/^NIST\.800\.53\.R5-/, '');
    resourcesByRule[rule] = [...(resourcesByRule[rule] ?? []), ...v.violatingResources.map((r) => r.constructPath ?? r.resourceLogicalId ?? 'unknown')].sort();
  }
  const sorted = Object.fromEntries(Object.entries(resourcesByRule).sort(([a], [b]) => a.localeCompare(b)));
  const findingsByRule = Object.fromEntries(Object.entries(sorted).map(([rule, resources]) => [rule, resources.length]));
  return { pack: 'NIST.800.53.R5', findingsByRule, resourcesByRule: sorted, total: Object.values(findingsByRule).reduce((a, b) => a + b, 0) };
};

if (import.meta.main) {
  const report = nistReport(analysisApp());
  const out = path.resolve(import.meta.dirname, '../../test/bench/results/nist-800-53-r5.json');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`${path.relative(process.cwd(), out)}: ${report.total} findings in ${Object.keys(report.findingsByRule).length} rules`);
  for (const [rule, count] of Object.entries(report.findingsByRule)) console.log(`  ${rule}: ${count}`);
}
