import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import type { ParleyApp } from '../../infra/app.ts';
import { handlerNames, ParleyFunction } from '../../infra/constructs/parley-function.ts';
import { configSchema } from '../../lambdas/adapters/config.ts';
import { INGEST_MAX_RECEIVE_COUNT, INGEST_TIMEOUT_SECONDS } from '../../lambdas/core/limits.ts';
import { arnRef, buildParleyApp, logicalIdOf, propertiesOf, resourcesOfType, templateOf } from './fixtures/parley-app.ts';

let parley: ParleyApp;
let template: Template;
let functions: ParleyFunction[];

beforeAll(() => {
  parley = buildParleyApp();
  template = templateOf(parley);
  functions = parley.stack.node.findAll().filter((c): c is ParleyFunction => c instanceof ParleyFunction);
}, 60_000);

const allowsEveryPublicAccessBlock = {
  BlockPublicAcls: true,
  BlockPublicPolicy: true,
  IgnorePublicAcls: true,
  RestrictPublicBuckets: true,
};

describe('storage', () => {
  it('encrypts the data table with the customer-managed data key, with PITR, TTL on expiresAt and deletion protection', () => {
    const { table, dataKey } = parley.stack.storage;
    expect(propertiesOf(template, table)).toMatchObject({
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: arnRef(dataKey) },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      DeletionProtectionEnabled: true,
    });
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain' });
  });

  it('keeps account keys in their own table whose backups expire sooner than the data (crypto-shredding)', () => {
    const { table, keysTable, dataKey } = parley.stack.storage;
    const keys = propertiesOf(template, keysTable);
    expect(keys).toMatchObject({
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: arnRef(dataKey) },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
    });
    const days = (props: Record<string, unknown>) =>
      (props.PointInTimeRecoverySpecification as { RecoveryPeriodInDays: number }).RecoveryPeriodInDays;
    expect(days(keys)).toBeLessThan(days(propertiesOf(template, table)));
  });

  it('encrypts the documents bucket with the data key (bucket key on), versioned, expiring old versions', () => {
    const { documents, dataKey } = parley.stack.storage;
    expect(propertiesOf(template, documents)).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: arnRef(dataKey) },
          },
        ],
      },
      PublicAccessBlockConfiguration: allowsEveryPublicAccessBlock,
      VersioningConfiguration: { Status: 'Enabled' },
      LifecycleConfiguration: {
        Rules: expect.arrayContaining([
          expect.objectContaining({ NoncurrentVersionExpiration: { NoncurrentDays: expect.any(Number) as number } }),
          // Account exports expire a day after their week, whatever else happens.
          expect.objectContaining({ TagFilters: [{ Key: 'parley-retention', Value: 'export' }], ExpirationInDays: 8 }),
        ]) as unknown,
      },
    });
  });

  it('blocks public access to every bucket and denies every request without TLS', () => {
    const buckets = Object.keys(resourcesOfType(template, 'AWS::S3::Bucket'));
    expect(buckets.length).toBeGreaterThanOrEqual(2);
    for (const bucket of buckets) {
      expect(resourcesOfType(template, 'AWS::S3::Bucket')[bucket]?.Properties).toMatchObject({
        PublicAccessBlockConfiguration: allowsEveryPublicAccessBlock,
      });
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: bucket },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 's3:*',
              Principal: { AWS: '*' },
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    }
  });

  it('rotates every KMS key', () => {
    expect(Object.keys(resourcesOfType(template, 'AWS::KMS::Key')).length).toBeGreaterThanOrEqual(4);
    template.allResourcesProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });
});

describe('ingest', () => {
  it('encrypts the queue with KMS and sends a message to a KMS-encrypted dead-letter queue after five receives', () => {
    const { queue, deadLetterQueue, queueKey } = parley.stack.ingest;
    expect(INGEST_MAX_RECEIVE_COUNT).toBe(5);
    expect(propertiesOf(template, queue)).toMatchObject({
      KmsMasterKeyId: arnRef(queueKey),
      RedrivePolicy: { deadLetterTargetArn: arnRef(deadLetterQueue), maxReceiveCount: INGEST_MAX_RECEIVE_COUNT },
      // AWS's guidance for Lambda consumers: six times the function timeout.
      VisibilityTimeout: 6 * INGEST_TIMEOUT_SECONDS,
    });
    expect(propertiesOf(template, parley.stack.ingest.function.function)).toMatchObject({ Timeout: INGEST_TIMEOUT_SECONDS });
    expect(propertiesOf(template, deadLetterQueue)).toMatchObject({ KmsMasterKeyId: arnRef(queueKey) });
  });

  it('queues every object created under accounts/ in the documents bucket', () => {
    template.hasResourceProperties('Custom::S3BucketNotifications', {
      BucketName: { Ref: logicalIdOf(parley.stack.storage.documents) },
      NotificationConfiguration: {
        QueueConfigurations: [
          {
            Events: ['s3:ObjectCreated:*'],
            QueueArn: arnRef(parley.stack.ingest.queue),
            Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'accounts/' }] } },
          },
        ],
      },
    });
  });

  it('feeds the ingest function from the queue one message at a time, with partial batch responses', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: arnRef(parley.stack.ingest.queue),
      FunctionName: { Ref: logicalIdOf(parley.stack.ingest.function.function) },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 1,
    });
  });
});

describe('only CloudFront reaches the functions', () => {
  const urlOf = (fn: ParleyFunction) => {
    const urls = Object.values(resourcesOfType(template, 'AWS::Lambda::Url')).filter((r) => JSON.stringify(r.Properties?.TargetFunctionArn) === JSON.stringify(arnRef(fn.function)));
    expect(urls, fn.handlerName).toHaveLength(1);
    return urls[0]!.Properties!;
  };

  it('has no API Gateway: no execute-api address exists', () => {
    for (const type of ['AWS::ApiGatewayV2::Api', 'AWS::ApiGatewayV2::Stage', 'AWS::ApiGatewayV2::Route', 'AWS::ApiGateway::RestApi']) {
      expect(Object.keys(resourcesOfType(template, type)), type).toEqual([]);
    }
  });

  it('gives the admin and widget functions function URLs (auth NONE: the functions require the edge proof) and streams chat', () => {
    const { adminFunction, widgetFunction } = parley.stack.api;
    expect(urlOf(adminFunction)).toMatchObject({ AuthType: 'NONE' });
    expect(urlOf(adminFunction).InvokeMode ?? 'BUFFERED').toBe('BUFFERED');
    expect(urlOf(widgetFunction)).toMatchObject({ AuthType: 'NONE' });
    expect(urlOf(parley.stack.chat.function)).toMatchObject({ AuthType: 'NONE', InvokeMode: 'RESPONSE_STREAM' });
    // Each function that has a URL is told the edge secret, which it requires.
    for (const fn of [adminFunction, widgetFunction, parley.stack.chat.function]) {
      const env = (propertiesOf(template, fn.function).Environment as { Variables: Record<string, unknown> }).Variables;
      expect(env.PARLEY_EDGE_SECRET, fn.handlerName).toBeDefined();
    }
  });

  it('names no function URL in its outputs, only the distribution', () => {
    const outputs = JSON.stringify(template.toJSON().Outputs);
    expect(outputs).not.toMatch(/FunctionUrl|ApiUrl|ChatUrl|execute-api/);
    expect(Object.keys(template.toJSON().Outputs as object)).toContain('Url');
  });

  it('refuses at synth a region where Lambda has no function URLs', () => {
    expect(() => buildParleyApp({ context: { region: 'eu-central-2' } })).toThrow(/function URLs are not available in eu-central-2/);
  });
});

describe('admin sign-in', () => {
  const parameterName = () => `/parley/${parley.parameters.stage}/admin-auth`;

  it('writes the user pool and the panel client to the stage\'s SSM parameter', () => {
    const { userPool, adminClient, settingsParameter } = parley.stack.auth;
    const props = propertiesOf(template, settingsParameter);
    expect(props).toMatchObject({ Name: parameterName(), Type: 'String' });
    const value = JSON.stringify(props.Value);
    expect(value).toContain(logicalIdOf(userPool));
    expect(value).toContain(logicalIdOf(adminClient));
    expect(value).toMatch(/userPoolId.*clientId/);
  });

  it('lets the admin function alone read that parameter, with ssm:GetParameter on it only', () => {
    const env = (fn: ParleyFunction) => (propertiesOf(template, fn.function).Environment as { Variables: Record<string, unknown> }).Variables;
    expect(env(parley.stack.api.adminFunction).PARLEY_ADMIN_AUTH_PARAMETER).toBe(parameterName());
    const ssmStatements = Object.values(resourcesOfType(template, 'AWS::IAM::Policy')).flatMap((p) =>
      ((p.Properties?.PolicyDocument as { Statement: Array<Record<string, unknown>> }).Statement)
        .filter((st) => JSON.stringify(st.Action).includes('ssm:'))
        .map((st) => ({ roles: p.Properties?.Roles, st })));
    expect(ssmStatements).toHaveLength(1);
    const [{ roles, st }] = ssmStatements as [{ roles: unknown; st: Record<string, unknown> }];
    expect(roles).toEqual([{ Ref: logicalIdOf(parley.stack.api.adminFunction.role) }]);
    expect(st.Action).toBe('ssm:GetParameter');
    expect(JSON.stringify(st.Resource)).toContain(`:parameter${parameterName()}`);
    for (const fn of functions.filter((f) => f !== parley.stack.api.adminFunction)) expect(env(fn).PARLEY_ADMIN_AUTH_PARAMETER, fn.handlerName).toBeUndefined();
  });

  it('lets nobody sign up, offers TOTP MFA and demands strong passwords', () => {
    expect(propertiesOf(template, parley.stack.auth.userPool)).toMatchObject({
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'OPTIONAL',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      Policies: {
        PasswordPolicy: {
          MinimumLength: expect.any(Number) as number,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        },
      },
    });
  });
});

describe('chat', () => {
  it('streams answers through a public function URL', () => {
    template.hasResourceProperties('AWS::Lambda::Url', {
      TargetFunctionArn: arnRef(parley.stack.chat.function.function),
      AuthType: 'NONE',
      InvokeMode: 'RESPONSE_STREAM',
    });
  });
});

describe('functions', () => {
  it('deploys one function per handler', () => {
    expect(functions.map((fn) => fn.handlerName).sort()).toEqual([...handlerNames].sort());
  });

  it('runs every Parley function on Node.js 24, arm64, from an ESM bundle', () => {
    for (const fn of functions) {
      expect(propertiesOf(template, fn.function), fn.node.path).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: logicalIdOf(fn.logGroup) } },
      });
    }
  });

  it('runs no function besides Parley\'s own and aws-cdk-lib\'s bucket-notifications and bucket-deployment handlers', () => {
    const parleyIds = new Set(functions.map((fn) => logicalIdOf(fn.function)));
    const others = Object.keys(resourcesOfType(template, 'AWS::Lambda::Function')).filter((id) => !parleyIds.has(id)).sort();
    expect(others).toEqual([expect.stringMatching(/^BucketNotificationsHandler/) as string, expect.stringMatching(/^CustomCDKBucketDeployment/) as string]);
    expect(parley.edge && Object.keys(Template.fromStack(parley.edge).findResources('AWS::Lambda::Function'))).toEqual([]);
  });

  it('gives every function each variable lambdas/adapters/config.ts requires, and no unknown ones', () => {
    const known = new Set([...Object.keys(configSchema.shape), 'NODE_OPTIONS']);
    const required = Object.entries(configSchema.shape)
      .filter(([, schema]) => !z.safeParse(schema, undefined).success)
      .map(([name]) => name);
    for (const fn of functions) {
      const variables = (propertiesOf(template, fn.function).Environment as { Variables: Record<string, unknown> }).Variables;
      expect(variables, fn.node.path).toMatchObject({ PARLEY_STAGE: 'aws', NODE_OPTIONS: '--enable-source-maps' });
      expect(Object.keys(variables).filter((name) => !known.has(name)), fn.node.path).toEqual([]);
      expect(required.filter((name) => !(name in variables)), fn.node.path).toEqual([]);
      // Lambda sets AWS_REGION itself and rejects functions that try to.
      expect(variables).not.toHaveProperty('AWS_REGION');
      // Slack posts go to Slack on AWS: the local platform's stand-in is never configured (config.ts refuses it there too).
      expect(variables).not.toHaveProperty('PARLEY_SLACK_WEBHOOK_ENDPOINT');
    }
  });

  it('keeps every log group for the retention the deploy parameters name', () => {
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: parley.parameters.logRetentionDays });
  });

  const statementsOf = (fn: ParleyFunction) => {
    const policies = Object.values(resourcesOfType(template, 'AWS::IAM::Policy')).filter((p) =>
      JSON.stringify(p.Properties?.Roles) === JSON.stringify([{ Ref: logicalIdOf(fn.role) }]),
    );
    return policies.flatMap(
      (p) => (p.Properties?.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement,
    );
  };
  const actionsOn = (fn: ParleyFunction, resource: unknown) =>
    statementsOf(fn)
      .filter((s) => JSON.stringify(s.Resource).includes(JSON.stringify(resource)))
      .flatMap((s) => s.Action);


  it('lets no function role touch stored documents or the content key itself: the tenant role does', () => {
    const { documents, contentKey } = parley.stack.storage;
    for (const fn of functions) {
      expect(actionsOn(fn, arnRef(documents)), fn.handlerName).toEqual([]);
      expect(actionsOn(fn, arnRef(contentKey)), fn.handlerName).toEqual([]);
    }
  });

  it('lets function roles use the secrets key only for the visitor-token key (widget and chat); owner keys go through the tenant role', () => {
    const secrets = arnRef(parley.stack.storage.secretsKey);
    for (const fn of functions) {
      const statements = statementsOf(fn).filter((s) => JSON.stringify(s.Resource).includes(JSON.stringify(secrets)));
      if (fn.handlerName === 'widget-api' || fn.handlerName === 'chat-stream') {
        expect(statements, fn.handlerName).toEqual([expect.objectContaining({
          Action: expect.arrayContaining(['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey']) as unknown,
          Condition: { StringEquals: { 'kms:EncryptionContext:purpose': 'visitor-token-key' } },
        })]);
      } else {
        expect(statements, fn.handlerName).toEqual([]);
      }
    }
  });

  it('gives each function its own role with no AWS managed policy', () => {
    for (const fn of functions) {
      expect(propertiesOf(template, fn.role).ManagedPolicyArns, fn.node.path).toBeUndefined();
    }
  });
});
