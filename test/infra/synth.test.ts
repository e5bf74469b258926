import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParleyApp } from '../../infra/app.ts';
import { ParleyFunction } from '../../infra/constructs/parley-function.ts';
import { awslambdaStub } from './fixtures/cold-start.ts';
import { buildParleyApp, propertiesOf, resourcesOfType } from './fixtures/parley-app.ts';

interface Bundle {
  readonly dir: string;
  /** The function's environment from the template, references replaced by plausible values. */
  readonly environment: Record<string, string>;
}

let outdir: string;
let parley: ParleyApp;
let template: Template;
let bundles: Map<string, Bundle>;

/** What CloudFormation would put in place of `{ Ref }`, `{ Fn::GetAtt: [id, 'Arn'] }` and `{ Fn::Join }`. */
const pseudoParameters: Record<string, string> = {
  'AWS::AccountId': '111122223333', 'AWS::Region': 'eu-west-1', 'AWS::URLSuffix': 'amazonaws.com', 'AWS::Partition': 'aws',
  'AWS::StackId': 'arn:aws:cloudformation:eu-west-1:111122223333:stack/Parley-dev/1c2fa620-982a-11e3-aff7-50e2416294e0',
};
const deployedValue = (name: string, value: unknown): string => {
  if (typeof value === 'string') {
    // A dynamic reference (the edge secret) is resolved by CloudFormation into the secret's value.
    return value.startsWith('{{resolve:secretsmanager:') ? 'edge-secret-value' : value;
  }
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (join) return deployedValue(name, join[1].map((part) => deployedValue(name, part)).join(join[0]));
  // Names carry a suffix from the stack's id: Fn::Select over Fn::Split of AWS::StackId (naming.ts).
  const select = (value as { 'Fn::Select'?: [number, unknown] })['Fn::Select'];
  if (select) return deployedValue(name, select[1]).split('\u0000')[select[0]] ?? '';
  const split = (value as { 'Fn::Split'?: [string, unknown] })['Fn::Split'];
  if (split) return deployedValue(name, split[1]).split(split[0]).join('\u0000');
  const ref = (value as { Ref?: string }).Ref;
  if (ref && pseudoParameters[ref]) return pseudoParameters[ref];
  // A queue's Ref is its URL; other resources' Refs are names.
  if (ref && resourcesOfType(template, 'AWS::SQS::Queue')[ref]) return `https://sqs.eu-west-1.amazonaws.com/111122223333/${ref}`;
  if (ref) return `parley-${ref.toLowerCase()}`;
  const [id, attribute] = (value as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'] ?? [];
  const type = id ? (resourcesOfType(template, 'AWS::KMS::Key')[id] ?? resourcesOfType(template, 'AWS::IAM::Role')[id])?.Type : undefined;
  if (attribute === 'Arn' && type === 'AWS::KMS::Key') return `arn:aws:kms:eu-west-1:111122223333:key/${id}`;
  if (attribute === 'Arn' && type === 'AWS::IAM::Role') return `arn:aws:iam::111122223333:role/${id}`;
  // The distribution's name (the panel's address in notification e-mails).
  if (attribute === 'DomainName' && id && resourcesOfType(template, 'AWS::CloudFront::Distribution')[id]) return 'd111111abcdef8.cloudfront.net';
  throw new Error(`${name}: no placeholder for ${JSON.stringify(value)}`);
};

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'parley-synth-'));
  parley = buildParleyApp({ bundle: true, outdir });
  const assembly = parley.app.synth();
  // The bundles carry the AWS SDK: outdir, under the system's temporary folder, has no node_modules to lend them one.
  template = Template.fromJSON(assembly.getStackArtifact(parley.stack.artifactId).template as Record<string, unknown>);
  const functions = parley.stack.node.findAll().filter((c): c is ParleyFunction => c instanceof ParleyFunction);
  bundles = new Map(
    functions.map((fn) => {
      const properties = propertiesOf(template, fn.function);
      const { S3Key } = properties.Code as { S3Key: string };
      const { Variables } = properties.Environment as { Variables: Record<string, unknown> };
      const environment = Object.fromEntries(
        Object.entries(Variables).map(([name, value]) => [name, deployedValue(name, value)]),
      );
      return [fn.handlerName, { dir: join(outdir, `asset.${S3Key.replace(/\.zip$/, '')}`), environment }];
    }),
  );
  // Five bundles that carry the AWS SDK: about 15 s on a quiet machine, minutes on a busy one.
}, 300_000);

afterAll(() => {
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

describe('the app, synthesized as `cdk synth` does (esbuild bundling, cdk-nag)', () => {
  it('writes the stack template', () => {
    expect(existsSync(join(outdir, `${parley.stack.artifactId}.template.json`))).toBe(true);
    expect(bundles.size).toBe(7);
  });

  it('bundles each handler into one minified ES module with a source map', () => {
    for (const [handler, { dir }] of bundles) {
      const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
      expect(code, handler).toMatch(/\/\/# sourceMappingURL=index\.mjs\.map\s*$/);
      expect(code, handler).toContain('createRequire(import.meta.url)');
      expect(statSync(join(dir, 'index.mjs.map')).size, handler).toBeGreaterThan(0);
      // Minified: lines thousands of characters long, where readable code has tens.
      expect(code.length / code.split('\n').length, handler).toBeGreaterThan(500);
    }
  });

  it('produces bundles that start on Node.js 24 with the environment the stack gives them, and export handler', () => {
    for (const [handler, { dir, environment }] of bundles) {
      const file = pathToFileURL(join(dir, 'index.mjs')).href;
      const script = `${awslambdaStub}
        const mod = await import(${JSON.stringify(file)});
        console.log(typeof mod.handler);`;
      const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
        // Lambda sets AWS_REGION and the function name itself; the rest comes from the template.
        env: { PATH: process.env.PATH ?? '', AWS_REGION: 'eu-west-1', AWS_LAMBDA_FUNCTION_NAME: handler, ...environment },
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(out.trim(), handler).toBe('function');
    }
  }, 120_000);
});
