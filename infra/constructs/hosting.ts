/**
 * Hosting: one CloudFront origin for everything a visitor's browser and the
 * owner's panel touch, so the widget (which talks only to the origin it was
 * loaded from) works unchanged on AWS:
 * - `/widget.js` and the admin panel (`/admin/`, with its own CSP) from a
 *   private assets bucket, through origin access control;
 * - the API paths to the functions' URLs, one behaviour per function from the
 *   route table (`apiBehaviours`): the streaming chat path, the rest of the
 *   widget API, and the admin API.
 * Nothing dynamic is cached, errors included; every response carries security headers.
 *
 * API requests carry the viewer's address (`x-parley-viewer-address`, set by a
 * viewer-request function) and the edge secret (`x-parley-edge-secret`), which
 * the functions require (403 without it) and compare with `PARLEY_EDGE_SECRET`
 * before trusting the address.
 * The admin panel gets `admin/config.json` (Cognito hosted sign-in, direct
 * uploads) and a CSP that lets it reach exactly the sign-in domain and the
 * documents bucket.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as deploy from 'aws-cdk-lib/aws-s3-deployment';
import { DockerImage } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { apiBehaviours, type FunctionName } from '../../lambdas/http/routes.ts';
import { ADMIN_CSP } from '../admin-build.ts';
import { acknowledgeWildcards, nagArnOf } from '../nag.ts';
import type { AdminAndWidgetApi } from './admin-and-widget-api.ts';
import { adminScopes } from './auth.ts';
import type { Auth } from './auth.ts';
import type { Chat } from './chat.ts';
import { EDGE_SECRET_HEADER, VIEWER_ADDRESS_HEADER } from './edge-secret.ts';
import type { Storage } from './storage.ts';

const REPO = path.resolve(import.meta.dirname, '../..');

export interface HostingProps {
  /** The admin and widget functions' URLs. */
  readonly api: AdminAndWidgetApi;
  /** The streaming chat function behind `/widget/v1/<publicId>/chat`. */
  readonly chat: Chat;
  /**
   * Retention of the deployment function's logs.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /** The sign-in domain and app client the panel's config.json names. */
  readonly auth: Auth;
  /** The documents bucket, which the panel uploads to directly. */
  readonly storage: Storage;
  /** The edge secret's value (a dynamic reference), sent to the API origins as `x-parley-edge-secret`. */
  readonly edgeSecret: string;
  /**
   * ARN of a CloudFront-scope WAF web ACL (it lives in us-east-1, see `edge-stack.ts`).
   * @default - no web ACL
   */
  readonly webAclArn?: string;
  /**
   * Custom domain and its us-east-1 ACM certificate.
   * @default - the distribution's own *.cloudfront.net name
   */
  readonly customDomain?: { readonly domainName: string; readonly certificateArn: string };
}

/**
 * The panel's CSP on AWS: the local one, with `connect-src` widened to the
 * Cognito sign-in domain (token requests) and the documents bucket (direct uploads).
 */
export const awsAdminCsp = (connectSources: readonly string[]): string => {
  if (!ADMIN_CSP.includes("connect-src 'self'")) throw new Error("ADMIN_CSP no longer has connect-src 'self'");
  return ADMIN_CSP.replace("connect-src 'self'", `connect-src 'self' ${connectSources.join(' ')}`);
};

/**
 * Viewer-request function on the API behaviours: the viewer's IP address in a
 * header of our own (a client's copy is overwritten). The managed origin request
 * policy that forwards `Authorization` without `Host` cannot add CloudFront's
 * own `CloudFront-Viewer-Address`, so the address travels in this header.
 */
const viewerAddressCode =
  `function handler(event) { var r = event.request; r.headers['${VIEWER_ADDRESS_HEADER}'] = { value: event.viewer.ip }; return r; }`;

/** The statuses CloudFront caches when the origin says nothing (its error caching minimum TTL applies to these). */
export const CACHED_ERROR_STATUSES = [400, 403, 404, 405, 414, 500, 501, 502, 503, 504] as const;

export class Hosting extends Construct {
  readonly assets: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  /** `https://<custom domain or distribution domain>`: the one origin of the widget, the APIs and the panel. */
  readonly origin: string;

  constructor(scope: Construct, id: string, props: HostingProps) {
    super(scope, id);

    this.assets = new s3.Bucket(this, 'Assets', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: false,
    });
    Validations.of(this.assets).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'Holds only the public widget.js and admin panel, rebuilt on every deploy; CloudFront is the only reader.',
    });

    const securityHeaders = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      securityHeadersBehavior: {
        strictTransportSecurity: { accessControlMaxAge: Duration.days(730), includeSubdomains: true, override: true },
        contentTypeOptions: { override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: false },
      },
    });
    const viewerAddress = new cloudfront.Function(this, 'ViewerAddress', {
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      comment: `Sets ${VIEWER_ADDRESS_HEADER} to the viewer's IP address`,
      code: cloudfront.FunctionCode.fromInline(viewerAddressCode),
    });
    const dynamic = {
      functionAssociations: [{ function: viewerAddress, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
      responseHeadersPolicy: securityHeaders,
    };
    const customHeaders = { [EDGE_SECRET_HEADER]: props.edgeSecret };
    // One origin per function URL; the chat's read timeout is above the provider idle timeout, so a
    // stalled model ends with an error event, not a cut stream.
    const apiOrigins: Record<FunctionName, origins.FunctionUrlOrigin> = {
      'admin-api': new origins.FunctionUrlOrigin(props.api.adminUrl, { customHeaders }),
      'widget-api': new origins.FunctionUrlOrigin(props.api.widgetUrl, { customHeaders }),
      'chat-stream': new origins.FunctionUrlOrigin(props.chat.functionUrl, { customHeaders, readTimeout: props.chat.originReadTimeout }),
    };
    const apiPaths = Object.fromEntries(apiBehaviours.map((b) => [b.pathPattern, { ...dynamic, origin: apiOrigins[b.fn] }]));
    const assetsOrigin = origins.S3BucketOrigin.withOriginAccessControl(this.assets);
    const adminHeaders = new cloudfront.ResponseHeadersPolicy(this, 'AdminHeaders', {
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: awsAdminCsp([props.auth.domainUrl, props.storage.documentsEndpoint]), override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(730), includeSubdomains: true, override: true },
        contentTypeOptions: { override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
      },
    });
    // `/admin/` serves the panel's index.html (S3 has no directory index behind origin access control).
    const directoryIndex = new cloudfront.Function(this, 'DirectoryIndex', {
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline("function handler(event) { var r = event.request; if (r.uri.endsWith('/')) r.uri += 'index.html'; return r; }"),
    });
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Parley: widget.js, admin panel, widget and admin APIs, streamed chat',
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      ...(props.webAclArn ? { webAclId: props.webAclArn } : {}),
      ...(props.customDomain
        ? {
          domainNames: [props.customDomain.domainName],
          certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', props.customDomain.certificateArn),
          minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
        }
        : {}),
      // CloudFront keeps 4xx and 5xx answers for 10 seconds by default, even under CachingDisabled:
      // a 404 for a bot created a moment later, or a 503 from a pause, must not outlive its cause.
      errorResponses: CACHED_ERROR_STATUSES.map((httpStatus) => ({ httpStatus, ttl: Duration.seconds(0) })),
      defaultBehavior: {
        origin: assetsOrigin,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: securityHeaders,
      },
      additionalBehaviors: {
        // Most specific first (apiBehaviours' order): CloudFront takes the first pattern that matches.
        ...apiPaths,
        '/admin/*': {
          origin: assetsOrigin,
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
          cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
          responseHeadersPolicy: adminHeaders,
          functionAssociations: [{ function: directoryIndex, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
        },
      },
    });
    this.origin = `https://${props.customDomain?.domainName ?? this.distribution.distributionDomainName}`;
    const acknowledgements: [string, string][] = [
      ['AwsSolutions-CFR1', 'Visitors of owners\' websites come from anywhere; owners restrict by origin per bot.'],
      ['AwsSolutions-CFR3', 'Access logs would record visitors\' addresses for every chat; the functions log what is needed, redacted.'],
    ];
    if (!props.webAclArn) acknowledgements.push(['AwsSolutions-CFR2', 'The operator turned the WAF off (deploy parameter waf=false); rate limits per visitor and address are enforced in the functions.']);
    if (!props.customDomain) {
      acknowledgements.push(['AwsSolutions-CFR4', 'The default *.cloudfront.net certificate, which fixes the minimum TLS version; with the domain and certificateArn parameters the distribution requires TLS 1.2.']);
    }
    for (const [rule, reason] of acknowledgements) Validations.of(this.distribution).acknowledge({ id: rule, reason });

    const widget = builtWith('widget', 'infra/widget-build.ts', 'widget.js');
    const admin = builtWith('admin', 'infra/admin-build.ts', 'admin');
    const deployment = new deploy.BucketDeployment(this, 'Deploy', {
      sources: [widget, admin, adminConfig(props.auth)],
      destinationBucket: this.assets,
      distribution: this.distribution,
      distributionPaths: ['/widget.js', '/admin/*'],
      cacheControl: [deploy.CacheControl.setPublic(), deploy.CacheControl.maxAge(Duration.minutes(5))],
      memoryLimit: 256,
      // Deleting the stack deletes the files first, so the (not retained) assets bucket is empty when its turn comes.
      retainOnDelete: false,
      logGroup: new logs.LogGroup(this, 'DeployLogs', { retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY }),
    });
    acknowledgeDeploymentHandler(deployment, this.assets);
  }

  /** The one origin of the widget, its APIs and the admin panel. */
  get url(): string {
    return this.origin;
  }

  /** Where the admin panel lives, the Cognito client's callback and sign-out URL. */
  get adminUrl(): string {
    return `${this.origin}/admin/`;
  }
}

/** What `admin/config.json` says: Cognito's hosted sign-in and direct uploads (`admin/src/config.ts` reads it). */
export const adminConfigOf = (auth: Auth) => ({
  auth: { kind: 'cognito', domain: auth.domainUrl, clientId: auth.adminClient.userPoolClientId, scopes: [...adminScopes] },
  uploads: 'direct',
});

const adminConfig = (auth: Auth): deploy.ISource => deploy.Source.jsonData('admin/config.json', adminConfigOf(auth));

/**
 * A deployment source built from `folder` by the project's own build script (never
 * Docker), which writes `output` inside the asset folder the CDK gives it.
 */
const builtWith = (folder: string, script: string, output: string): deploy.ISource =>
  deploy.Source.asset(path.join(REPO, folder), {
    exclude: ['dist', 'node_modules'],
    bundling: {
      image: DockerImage.fromRegistry('scratch'),
      local: {
        tryBundle(outputDir: string) {
          execFileSync(process.execPath, [path.join(REPO, script), path.join(outputDir, output)], { stdio: 'ignore' });
          return true;
        },
      },
    },
  });

/** The CDK's own bucket-deployment function (a singleton at the stack's root) and its role. */
const acknowledgeDeploymentHandler = (deployment: deploy.BucketDeployment, assets: s3.Bucket): void => {
  const stack = Stack.of(deployment);
  const copies = 'The CDK\'s bucket-deployment function copies the build from the CDK asset bucket into the assets bucket ' +
    'and invalidates /widget.js: CDK writes these grants (object and bucket read families on the asset bucket, write and ' +
    'delete on the assets bucket, and CloudFront invalidation, which IAM cannot scope to one distribution by ARN here).';
  const findings = [
    'Action::s3:Abort*', 'Action::s3:DeleteObject*', 'Action::s3:GetBucket*', 'Action::s3:GetObject*', 'Action::s3:List*', 'Resource::*',
    `Resource::${nagArnOf(assets)}/*`,
    `Resource::arn:aws:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-${stack.region}/*`,
  ];
  for (const child of stack.node.children) {
    if (!child.node.id.startsWith('Custom::CDKBucketDeployment')) continue;
    Validations.of(child).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: 'The CDK\'s bucket-deployment function uses AWSLambdaBasicExecutionRole for its logs.',
    });
    acknowledgeWildcards(child, copies, findings);
    Validations.of(child).acknowledge({ id: 'AwsSolutions-L1', reason: 'The CDK chooses and updates the bucket-deployment function\'s runtime.' });
    for (const id of ['Serverless-LambdaLatestVersion', 'Serverless-LambdaTracing', 'Serverless-LambdaDLQ']) {
      Validations.of(child).acknowledge({
        id,
        reason: 'The CDK\'s own bucket-deployment function, run by CloudFormation during deployments only: its runtime, tracing and failure handling are the CDK\'s (a failure fails the deployment).',
      });
    }
  }
};
