/**
 * The Parley app as `cdk synth` builds it (cdk.json's context and feature
 * flags, plus any overrides), with asset bundling skipped: the reports in
 * `infra/ops` read the template's resources, not the handlers' code.
 */
import { readFileSync } from 'node:fs';
import { BUNDLING_STACKS } from 'aws-cdk-lib/cx-api';
import { createParleyApp } from '../app.ts';
import type { ParleyApp } from '../app.ts';

/** `cdk.json`'s context, as the CDK CLI would pass it. */
export const cdkJsonContext = (): Record<string, unknown> =>
  (JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context: Record<string, unknown> }).context;

/** Builds the app without bundling; `context` overrides cdk.json like `-c key=value`. */
export const analysisApp = (context: Record<string, unknown> = {}): ParleyApp =>
  createParleyApp({ context: { ...cdkJsonContext(), [BUNDLING_STACKS]: [], ...context } });
