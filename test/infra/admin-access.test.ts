// The admin panel on AWS: Cognito's hosted sign-in (authorization code with PKCE, a public
// client), its config.json, a CSP that reaches exactly the sign-in domain and the documents
// bucket, and the bucket's CORS rule for direct uploads from the panel's origin only;
// and the viewer address and edge secret on every API request. No dependency cycles.
import { Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ParleyApp } from '../../infra/app.ts';
import { adminConfigOf } from '../../infra/constructs/hosting.ts';
import { dependencyCycles } from './fixtures/dependencies.ts';
import { buildParleyApp, customDomainContext, logicalIdOf, propertiesOf, resourcesOfType, templateOf } from './fixtures/parley-app.ts';

let parley: ParleyApp;
let template: Template;
let custom: ParleyApp;
let customTemplate: Template;

beforeAll(() => {
  parley = buildParleyApp();
  template = templateOf(parley);
  custom = buildParleyApp({ context: { ...customDomainContext, selfSignUp: true } });
  customTemplate = templateOf(custom);
}, 120_000);

const distributionDomain = (app: ParleyApp) => ({ 'Fn::GetAtt': [logicalIdOf(app.stack.hosting.distribution), 'DomainName'] });
const adminUrl = (app: ParleyApp) => ({ 'Fn::Join': ['', ['https://', distributionDomain(app), '/admin/']] });
/** The first 8 characters of the stack's UUID, as CloudFormation resolves it (naming.ts). */
const stackIdSuffix = { 'Fn::Select': [0, { 'Fn::Split': ['-', { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] }] }] };
const cognitoDomain = { 'Fn::Join': ['', ['https://parley-dev-', stackIdSuffix, '.auth.eu-west-1.amazoncognito.com']] };

describe('hosted sign-in', () => {
  it('has a Cognito domain named after the stage and the stack\'s id', () => {
    expect(propertiesOf(template, parley.stack.auth.domain)).toMatchObject({
      Domain: { 'Fn::Join': ['', ['parley-dev-', stackIdSuffix]] },
      UserPoolId: { Ref: logicalIdOf(parley.stack.auth.userPool) },
    });
  });

  it('gives the panel a public client: code grant only, openid/email/profile, back to /admin/, hour-long tokens, 30-day refresh', () => {
    expect(propertiesOf(template, parley.stack.auth.adminClient)).toMatchObject({
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: ['openid', 'email', 'profile'],
      ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
      SupportedIdentityProviders: ['COGNITO'],
      CallbackURLs: [adminUrl(parley)],
      LogoutURLs: [adminUrl(parley)],
      PreventUserExistenceErrors: 'ENABLED',
      EnableTokenRevocation: true,
      AccessTokenValidity: 60,
      IdTokenValidity: 60,
      RefreshTokenValidity: 30 * 24 * 60,
      TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'minutes' },
    });
  });

  it('gives the panel\'s address as the stack output AdminUrl, where the README sends the first owner', () => {
    template.hasOutput('AdminUrl', { Value: adminUrl(parley) });
  });

  it('returns to the custom domain when there is one, and lets people sign up only with selfSignUp', () => {
    expect(propertiesOf(customTemplate, custom.stack.auth.adminClient)).toMatchObject({
      CallbackURLs: ['https://chat.example.com/admin/'],
      LogoutURLs: ['https://chat.example.com/admin/'],
    });
    expect(propertiesOf(customTemplate, custom.stack.auth.userPool)).toMatchObject({ AdminCreateUserConfig: { AllowAdminCreateUserOnly: false } });
    expect(propertiesOf(template, parley.stack.auth.userPool)).toMatchObject({ AdminCreateUserConfig: { AllowAdminCreateUserOnly: true } });
  });

  it('deploys admin/config.json next to the panel with the domain, the client id and the scopes', () => {
    const config = Stack.of(parley.stack).resolve(adminConfigOf(parley.stack.auth)) as unknown;
    expect(config).toEqual({
      auth: { kind: 'cognito', domain: cognitoDomain, clientId: { Ref: logicalIdOf(parley.stack.auth.adminClient) }, scopes: ['openid', 'email', 'profile'] },
      uploads: 'direct',
    });
    const [deployment] = Object.values(resourcesOfType(template, 'Custom::CDKBucketDeployment'));
    // Source.jsonData: the tokens travel as markers the deployment fills in.
    expect(JSON.stringify(deployment?.Properties?.SourceMarkers)).toContain(JSON.stringify({ Ref: logicalIdOf(parley.stack.auth.adminClient) }));
  });
});

describe('the panel\'s CSP and direct uploads', () => {
  const adminCsp = (t: Template) => {
    const policies = Object.values(resourcesOfType(t, 'AWS::CloudFront::ResponseHeadersPolicy'))
      .map((p) => (p.Properties?.ResponseHeadersPolicyConfig as { SecurityHeadersConfig: { ContentSecurityPolicy?: { ContentSecurityPolicy: unknown } } }).SecurityHeadersConfig)
      .filter((h) => h.ContentSecurityPolicy);
    expect(policies).toHaveLength(1);
    return policies[0]?.ContentSecurityPolicy?.ContentSecurityPolicy;
  };

  it('lets the panel connect to itself, the Cognito domain and the bucket\'s regional endpoint, nothing else', () => {
    // The stack-id suffix (naming.ts) makes both names unique without the account id, which a public CSP would show.
    expect(adminCsp(template)).toEqual({
      'Fn::Join': ['', [
        "default-src 'self'; connect-src 'self' https://parley-dev-", stackIdSuffix, '.auth.eu-west-1.amazoncognito.com https://parley-dev-eu-west-1-docs-',
        stackIdSuffix, '.s3.eu-west-1.', { Ref: 'AWS::URLSuffix' },
        "; script-src 'self'; style-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
      ]],
    });
  });

  it('names the documents bucket before deployment, the name the functions and the CSP use', () => {
    const name = { 'Fn::Join': ['', ['parley-dev-eu-west-1-docs-', stackIdSuffix]] };
    expect(propertiesOf(template, parley.stack.storage.documents).BucketName).toEqual(name);
    const env = (propertiesOf(template, parley.stack.chat.function.function).Environment as { Variables: Record<string, unknown> }).Variables;
    expect(env.PARLEY_BUCKET).toEqual(name);
  });

  it('allows only PUT, from the panel\'s origin, with content-type, content-length and x-amz-* headers, cached an hour', () => {
    const cors = (t: Template, app: ParleyApp) => propertiesOf(t, app.stack.storage.documents).CorsConfiguration;
    expect(cors(template, parley)).toEqual({
      CorsRules: [{
        AllowedMethods: ['PUT'],
        AllowedOrigins: [{ 'Fn::Join': ['', ['https://', distributionDomain(parley)]] }],
        AllowedHeaders: ['content-type', 'content-length', 'x-amz-*'],
        MaxAge: 3600,
      }],
    });
    expect(cors(customTemplate, custom)).toMatchObject({ CorsRules: [{ AllowedMethods: ['PUT'], AllowedOrigins: ['https://chat.example.com'] }] });
  });

  it('leaves no dependency cycle (bucket → distribution → functions → bucket), with or without a custom domain', () => {
    expect(dependencyCycles(template.toJSON() as never)).toEqual([]);
    expect(dependencyCycles(customTemplate.toJSON() as never)).toEqual([]);
    // The detector does find one.
    expect(dependencyCycles({ Resources: { A: { Properties: { X: { Ref: 'B' } } }, B: { Properties: { Y: { 'Fn::GetAtt': ['A', 'Arn'] } } } } })).toEqual([['A', 'B']]);
  });
});

describe('custom domain', () => {
  it('serves the domain with its us-east-1 certificate and TLS 1.2 at least', () => {
    const config = propertiesOf(customTemplate, custom.stack.hosting.distribution).DistributionConfig as Record<string, unknown>;
    expect(config).toMatchObject({
      Aliases: ['chat.example.com'],
      ViewerCertificate: { AcmCertificateArn: customDomainContext.certificateArn, MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' },
    });
  });
});

describe('viewer address and edge secret', () => {
  interface Behavior { PathPattern?: string; TargetOriginId: string; FunctionAssociations?: Array<{ EventType: string; FunctionARN: unknown }> }
  interface Origin { Id: string; OriginCustomHeaders?: Array<{ HeaderName: string; HeaderValue: unknown }> }
  const config = () => propertiesOf(template, parley.stack.hosting.distribution).DistributionConfig as { CacheBehaviors: Behavior[]; Origins: Origin[] };
  const apiBehaviors = () => config().CacheBehaviors.filter((b) => b.PathPattern !== '/admin/*');
  const secretRef = () => ({ 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: logicalIdOf(parley.stack.edgeSecret.secret) }, ':SecretString:::}}']] });

  it('sets x-parley-viewer-address from the viewer\'s IP on every API request, overwriting a client\'s copy', () => {
    const [fnId] = Object.entries(resourcesOfType(template, 'AWS::CloudFront::Function')).find(([, f]) => String(f.Properties?.FunctionCode).includes('event.viewer.ip')) ?? [];
    expect(fnId).toBeDefined();
    const code = String(resourcesOfType(template, 'AWS::CloudFront::Function')[fnId!]?.Properties?.FunctionCode);
    expect(code).toContain("r.headers['x-parley-viewer-address'] = { value: event.viewer.ip }");
    expect(apiBehaviors()).toHaveLength(3);
    for (const b of apiBehaviors()) {
      expect(b.FunctionAssociations, b.PathPattern).toEqual([{ EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [fnId, 'FunctionARN'] } }]);
    }
  });

  it('sends the edge secret, a generated Secrets Manager value, to the API origins and gives the same value to the API functions', () => {
    for (const b of apiBehaviors()) {
      const origin = config().Origins.find((o) => o.Id === b.TargetOriginId);
      expect(origin?.OriginCustomHeaders, b.PathPattern).toEqual([{ HeaderName: 'x-parley-edge-secret', HeaderValue: secretRef() }]);
    }
    expect(propertiesOf(template, parley.stack.edgeSecret.secret)).toMatchObject({ GenerateSecretString: { PasswordLength: 48, ExcludePunctuation: true } });
    const { api, chat, ingest, sweeper } = parley.stack;
    const env = (fn: typeof chat.function) => (propertiesOf(template, fn.function).Environment as { Variables: Record<string, unknown> }).Variables;
    for (const fn of [api.adminFunction, api.widgetFunction, chat.function]) expect(env(fn).PARLEY_EDGE_SECRET, fn.handlerName).toEqual(secretRef());
    for (const fn of [ingest.function, sweeper.function]) expect(env(fn), fn.handlerName).not.toHaveProperty('PARLEY_EDGE_SECRET');
    // The value itself is never in the template.
    expect(JSON.stringify(template.toJSON())).not.toMatch(/"SecretString":"/);
  });
});
