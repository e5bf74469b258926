/**
 * Deploy parameters: what an operator chooses per deployment, read from CDK
 * context (`cdk.json` or `cdk deploy -c stage=prod -c region=eu-central-1`)
 * and validated once, so a typo fails the synth with a readable message
 * instead of producing a half-configured stack.
 */
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import { z } from 'zod';

const retentionChoices: readonly number[] = Object.values(RetentionDays).filter((v) => typeof v === 'number');

export const deployParametersSchema = z.object({
  /**
   * AWS region the stack deploys to; it is where every byte of tenant data
   * lives (choose an EU region for EU residency).
   */
  region: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'expected an AWS region such as eu-west-1')
    .default('eu-west-1'),
  /** Deployment name (`dev`, `prod`, …); part of the stack name, so one account can hold several. */
  stage: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,19}$/, 'expected lower-case letters, digits and dashes, starting with a letter, at most 20 characters')
    .default('dev'),
  /** How long CloudWatch keeps function and access logs, in days; one of the values CloudWatch Logs accepts. */
  logRetentionDays: z.coerce
    .number()
    .int()
    .refine((days) => retentionChoices.includes(days), `expected one of ${retentionChoices.join(', ')}`)
    .transform((days) => days as RetentionDays)
    .default(RetentionDays.ONE_MONTH),
  /** Where alarms are e-mailed; without it the alarm topic has no subscriber until the operator adds one. */
  alarmEmail: z.email().optional(),
});

/** Validated deploy parameters. */
export type DeployParameters = z.output<typeof deployParametersSchema>;

/** The context keys the app reads, in the order they are documented. */
export const deployParameterKeys = Object.keys(deployParametersSchema.shape) as (keyof DeployParameters)[];

/**
 * Reads the deploy parameters from the construct tree's context and validates
 * them; throws one error naming every bad parameter.
 */
export const readDeployParameters = (node: Node): DeployParameters => {
  const raw = Object.fromEntries(deployParameterKeys.map((key) => [key, node.tryGetContext(key) as unknown]));
  const parsed = deployParametersSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid Parley deploy parameters (CDK context): ${problems}`);
  }
  return parsed.data;
};
