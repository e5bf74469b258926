/**
 * The HTTP API: the admin routes behind the Cognito JWT authorizer and the
 * public widget routes, both created from the route table in
 * `lambdas/http/routes.ts`, so the API, the local platform and the handlers'
 * dispatch cannot drift apart. Streaming routes are not here: HTTP APIs cannot
 * stream, so those are served by a function URL (see `chat.ts`).
 */
import { Fn, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { VISITOR_TOKEN_KEY_PARTITION, VISITOR_TOKEN_KEY_PURPOSE } from '../../lambdas/adapters/crypto/visitor-tokens.ts';
import { routeKeyOf, routes, streamingFunctions } from '../../lambdas/http/routes.ts';
import type { FunctionName } from '../../lambdas/http/routes.ts';
import type { Auth } from './auth.ts';
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

// One JSON line per request. No client IP, user agent or claims: the access
// log is for operating the API, not for tracking people.
const accessLogFormat = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    time: '$context.requestTimeEpoch',
    routeKey: '$context.routeKey',
    status: '$context.status',
    latencyMs: '$context.responseLatency',
    integrationLatencyMs: '$context.integrationLatency',
    responseLength: '$context.responseLength',
    error: '$context.error.message',
    authorizerError: '$context.authorizer.error',
    integrationError: '$context.integrationErrorMessage',
  }),
);

export interface AdminApiProps {
  /** The user pool whose tokens the JWT authorizer accepts. */
  readonly auth: Auth;
  /** Table, bucket and keys the API's functions are granted. */
  readonly storage: Storage;
  /** Settings shared by the stack's functions. */
  readonly functions: FunctionDefaults;
  /**
   * Stage-wide request rate limits (requests per second, and burst).
   * @default { rateLimit: 50, burstLimit: 100 }
   */
  readonly throttle?: apigwv2.ThrottleSettings;
}

/** The HTTP API serving the admin panel (JWT) and the widget's non-streaming calls (public). */
export class AdminApi extends Construct {
  readonly httpApi: apigwv2.HttpApi;
  readonly stage: apigwv2.HttpStage;
  /** Serves every `admin-api` route. */
  readonly adminFunction: ParleyFunction;
  /** Serves the non-streaming public widget routes. */
  readonly widgetFunction: ParleyFunction;
  /** The API's routes by route key (`"GET /v1/bots"`). */
  readonly routes: ReadonlyMap<string, apigwv2.HttpRoute>;
  /** Base URL of the API. */
  readonly url: string;
  /** The API's host name (`<id>.execute-api.<region>.amazonaws.com`), for CloudFront. */
  readonly domainName: string;

  constructor(scope: Construct, id: string, props: AdminApiProps) {
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

    this.widgetFunction = new ParleyFunction(this, 'WidgetFunction', {
      handler: 'widget-api',
      defaults: props.functions,
      description: 'Parley widget API: bot config, visitor sessions, feedback, handoffs, leads',
    });
    storage.grantPlatformData(this.widgetFunction);
    // Visitor tokens are signed with an installation key wrapped by the secrets key (made on first use).
    // Only for that purpose: the widget may never unwrap an owner's provider key.
    grantVisitorTokenKey(storage, this.widgetFunction);

    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.functions.logRetention ?? logs.RetentionDays.ONE_MONTH,
    });
    this.httpApi = new apigwv2.HttpApi(this, 'HttpApi', {
      description: 'Parley admin and widget API',
      createDefaultStage: false,
    });
    this.stage = this.httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle ?? { rateLimit: 50, burstLimit: 100 },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(accessLogs),
        format: accessLogFormat,
      },
    });
    this.url = this.stage.url;
    this.domainName = Fn.select(2, Fn.split('/', this.httpApi.apiEndpoint));

    const authorizer = new HttpUserPoolAuthorizer('CognitoAuthorizer', props.auth.userPool, {
      userPoolClients: [props.auth.adminClient],
    });
    // One invoke permission per function for this API rather than one per
    // route: a function's resource policy is limited to 20 KB and the route table grows.
    const integrationOptions = { scopePermissionToRoute: false };
    const integrations: Partial<Record<FunctionName, HttpLambdaIntegration>> = {
      'admin-api': new HttpLambdaIntegration('AdminIntegration', this.adminFunction.function, integrationOptions),
      'widget-api': new HttpLambdaIntegration('WidgetIntegration', this.widgetFunction.function, integrationOptions),
    };

    const created = new Map<string, apigwv2.HttpRoute>();
    for (const route of routes) {
      if (streamingFunctions.has(route.fn)) continue;
      const integration = integrations[route.fn];
      if (!integration) throw new Error(`AdminApi has no function for ${routeKeyOf(route)} (fn ${route.fn})`);
      const [httpRoute] = this.httpApi.addRoutes({
        path: route.path,
        methods: [apigwv2.HttpMethod[route.method]],
        integration,
        ...(route.auth === 'jwt' ? { authorizer } : {}),
      });
      if (!httpRoute) throw new Error(`AdminApi could not create ${routeKeyOf(route)}`);
      if (route.auth === 'public') {
        Validations.of(httpRoute).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            'Public widget route, called by visitors\' browsers on the owners\' sites, so no user-pool token exists: ' +
            'the handler checks the Origin against the bot\'s allowed origins and rate-limits, and visitor actions ' +
            'require a server-signed visitor token bound to bot and origin.',
        });
      }
      created.set(routeKeyOf(route), httpRoute);
    }
    this.routes = created;
  }
}
