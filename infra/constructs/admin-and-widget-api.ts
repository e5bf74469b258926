/**
 * The admin and widget functions, each behind a Lambda function URL that only
 * CloudFront uses (there is no API Gateway: its `execute-api` address would be a
 * second way in). The URLs are auth NONE because CloudFront's origin access
 * control for function URLs makes every POST or PUT carry a SHA-256 of its body
 * signed by the browser; instead each function refuses requests without the
 * edge secret CloudFront adds (`lambdas/http/edge-proof.ts`), matches its own
 * routes from the route table, and the admin function checks the Cognito ID
 * token itself, learning the pool and client from an SSM parameter
 * (`admin-auth-settings.ts`).
 */
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { VISITOR_TOKEN_KEY_PARTITION, VISITOR_TOKEN_KEY_PURPOSE } from '../../lambdas/adapters/crypto/visitor-tokens.ts';
import { ParleyFunction } from './parley-function.ts';
import type { FunctionDefaults } from './parley-function.ts';
import type { Storage } from './storage.ts';

/**
 * Use of the secrets key for the installation's visitor-token signing key only
 * (encryption context `purpose=visitor-token-key`, no account): the functions
 * that issue or check visitor tokens.
 */
export const grantVisitorTokenKey = (storage: Storage, fn: ParleyFunction): void => {
  // The wrapped signing key is the keys table's one item that belongs to no account.
  fn.role.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: 'VisitorTokenKeyItem',
    actions: ['dynamodb:GetItem', 'dynamodb:PutItem'],
    resources: [storage.keysTable.tableArn],
    conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [VISITOR_TOKEN_KEY_PARTITION] } },
  }));
  fn.role.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: 'VisitorTokenKeyOnly',
    actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
    resources: [storage.secretsKey.keyArn],
    conditions: { StringEquals: { 'kms:EncryptionContext:purpose': VISITOR_TOKEN_KEY_PURPOSE } },
  }));
};

/** Regions where Lambda has no function URLs, which CloudFront needs to reach the functions. */
export const REGIONS_WITHOUT_FUNCTION_URLS: readonly string[] = [
  'ap-east-2', 'ap-south-2', 'ap-southeast-4', 'ap-southeast-5', 'ap-southeast-6', 'ap-southeast-7',
  'ca-west-1', 'eu-central-2', 'eu-south-2', 'il-central-1', 'me-central-1',
];

/** A clear refusal at synth, rather than a failed deployment, for a region without function URLs. */
export const functionUrlRegionProblem = (region: string): string | undefined =>
  REGIONS_WITHOUT_FUNCTION_URLS.includes(region)
    ? `Lambda function URLs are not available in ${region}, and Parley's functions are reached through them; choose another region`
    : undefined;

export interface AdminAndWidgetApiProps {
  /** Table, bucket and keys the functions are granted. */
  readonly storage: Storage;
  /** Settings shared by the stack's functions. */
  readonly functions: FunctionDefaults;
  /** The SSM parameter with the user pool and the panel's app client (`/parley/<stage>/admin-auth`, see `Auth`). */
  readonly adminAuthParameterName: string;
}

/** The functions serving the admin panel (`/v1`) and the widget's non-streaming calls (`/widget/v1`). */
export class AdminAndWidgetApi extends Construct {
  /** Serves every `admin-api` route. */
  readonly adminFunction: ParleyFunction;
  /** Serves the non-streaming public widget routes. */
  readonly widgetFunction: ParleyFunction;
  /** CloudFront's origin for `/v1/*`. */
  readonly adminUrl: lambda.FunctionUrl;
  /** CloudFront's origin for `/widget/v1/*`. */
  readonly widgetUrl: lambda.FunctionUrl;

  constructor(scope: Construct, id: string, props: AdminAndWidgetApiProps) {
    super(scope, id);
    const { storage } = props;

    this.adminFunction = new ParleyFunction(this, 'AdminFunction', {
      handler: 'admin-api',
      defaults: props.functions,
      description: 'Parley admin API: accounts, bots, documents, keys',
    });
    // Its own role reaches only the platform partitions; account data, documents and owner keys
    // go through the tenant role (tenant-access.ts).
    storage.grantPlatformData(this.adminFunction);
    // The pool and client, read at the first request. The parameter's ARN is built from its name, not
    // taken from the parameter: the parameter names the client, whose callback URL names CloudFront,
    // which names this function's URL, so a reference would close a cycle.
    this.adminFunction.function.addEnvironment('PARLEY_ADMIN_AUTH_PARAMETER', props.adminAuthParameterName);
    this.adminFunction.role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'AdminAuthSettings',
      actions: ['ssm:GetParameter'],
      resources: [Stack.of(this).formatArn({ service: 'ssm', resource: 'parameter', resourceName: props.adminAuthParameterName.replace(/^\//, '') })],
    }));

    this.widgetFunction = new ParleyFunction(this, 'WidgetFunction', {
      handler: 'widget-api',
      defaults: props.functions,
      description: 'Parley widget API: bot config, visitor sessions, feedback, handoffs, leads',
    });
    storage.grantPlatformData(this.widgetFunction);
    // Visitor tokens are signed with an installation key wrapped by the secrets key (made on first use).
    // Only for that purpose: the widget may never unwrap an owner's provider key.
    grantVisitorTokenKey(storage, this.widgetFunction);

    this.adminUrl = this.adminFunction.function.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });
    this.widgetUrl = this.widgetFunction.function.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });
  }
}
