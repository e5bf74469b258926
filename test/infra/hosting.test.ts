// One CloudFront origin for widget.js, the widget and admin APIs and the streamed
// chat, so the widget (which talks only to the origin it came from) works on AWS.
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ParleyApp } from '../../infra/app.ts';
import { CACHED_ERROR_STATUSES } from '../../infra/constructs/hosting.ts';
import { apiBehaviours } from '../../lambdas/http/routes.ts';
import { buildParleyApp, logicalIdOf, propertiesOf, resourcesOfType, templateOf } from './fixtures/parley-app.ts';

let parley: ParleyApp;
let template: Template;

beforeAll(() => {
  parley = buildParleyApp();
  template = templateOf(parley);
}, 60_000);

interface Behavior { PathPattern?: string; TargetOriginId: string; CachePolicyId: unknown; AllowedMethods?: string[]; ViewerProtocolPolicy: string; ResponseHeadersPolicyId?: unknown }
interface Origin { Id: string; DomainName: unknown; S3OriginConfig?: unknown; OriginAccessControlId?: unknown }

describe('hosting', () => {
  const config = () => propertiesOf(template, parley.stack.hosting.distribution).DistributionConfig as {
    DefaultCacheBehavior: Behavior; CacheBehaviors: Behavior[]; Origins: Origin[];
  };
  const originOf = (behavior: Behavior) => config().Origins.find((o) => o.Id === behavior.TargetOriginId)!;

  it("sends each function's paths (from the route table) to its function URL with the edge secret, uncached, HTTPS only", () => {
    expect(config().CacheBehaviors.map((b) => b.PathPattern)).toEqual([...apiBehaviours.map((b) => b.pathPattern), '/admin/*']);
    const urls = { 'admin-api': parley.stack.api.adminUrl, 'widget-api': parley.stack.api.widgetUrl, 'chat-stream': parley.stack.chat.functionUrl };
    for (const { pathPattern, fn } of apiBehaviours) {
      const b = config().CacheBehaviors.find((c) => c.PathPattern === pathPattern)!;
      const origin = originOf(b) as Origin & { OriginCustomHeaders?: Array<{ HeaderName: string; HeaderValue: unknown }> };
      expect(JSON.stringify(origin.DomainName), pathPattern).toContain(logicalIdOf(urls[fn]));
      expect(origin.OriginCustomHeaders?.map((h) => h.HeaderName), pathPattern).toEqual(['x-parley-edge-secret']);
      expect(JSON.stringify(origin.OriginCustomHeaders?.[0]?.HeaderValue)).toContain('resolve:secretsmanager');
      // Managed CachingDisabled policy.
      expect(b.CachePolicyId).toBe('4135ea2d-6df8-44a3-9df3-4b5a84be39ad');
      expect(b.AllowedMethods).toContain('POST');
      expect(b.ViewerProtocolPolicy).toBe('https-only');
    }
  });

  it('keeps no error answer: every status CloudFront would cache has an error caching TTL of 0', () => {
    const responses = (propertiesOf(template, parley.stack.hosting.distribution).DistributionConfig as { CustomErrorResponses?: Array<Record<string, unknown>> }).CustomErrorResponses;
    expect(responses).toEqual(CACHED_ERROR_STATUSES.map((code) => ({ ErrorCode: code, ErrorCachingMinTTL: 0 })));
  });

  it('serves widget.js from a private bucket that only CloudFront can read', () => {
    const origin = originOf(config().DefaultCacheBehavior);
    expect(origin.OriginAccessControlId).toBeDefined();
    expect(propertiesOf(template, parley.stack.hosting.assets)).toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
    });
    const policies = Object.values(resourcesOfType(template, 'AWS::S3::BucketPolicy'))
      .filter((p) => JSON.stringify(p.Properties?.Bucket).includes(logicalIdOf(parley.stack.hosting.assets)));
    const statements = policies.flatMap((p) => (p.Properties?.PolicyDocument as { Statement: Array<Record<string, unknown>> }).Statement);
    expect(statements.some((s) => s.Effect === 'Deny' && JSON.stringify(s.Condition).includes('aws:SecureTransport'))).toBe(true);
    expect(statements.some((s) => JSON.stringify(s.Principal).includes('cloudfront.amazonaws.com'))).toBe(true);
  });

  it('serves the admin panel from the bucket under its own strict CSP, /admin/ to its index', () => {
    const admin = config().CacheBehaviors.find((b) => b.PathPattern === '/admin/*')!;
    expect(originOf(admin).OriginAccessControlId).toBeDefined();
    const policies = Object.values(resourcesOfType(template, 'AWS::CloudFront::ResponseHeadersPolicy'))
      .map((p) => (p.Properties?.ResponseHeadersPolicyConfig as { SecurityHeadersConfig: { ContentSecurityPolicy?: { ContentSecurityPolicy: string } } }).SecurityHeadersConfig);
    const csp = JSON.stringify(policies.find((h) => h.ContentSecurityPolicy)?.ContentSecurityPolicy?.ContentSecurityPolicy ?? '');
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    const adminFn = admin as Behavior & { FunctionAssociations?: Array<{ FunctionARN: { 'Fn::GetAtt': [string, string] } }> };
    const [fnId] = adminFn.FunctionAssociations?.[0]?.FunctionARN['Fn::GetAtt'] ?? [];
    expect(String(resourcesOfType(template, 'AWS::CloudFront::Function')[fnId ?? '']?.Properties?.FunctionCode)).toContain('index.html');
  });

  it('puts HSTS, nosniff and no-referrer on every response', () => {
    const [policy] = Object.values(resourcesOfType(template, 'AWS::CloudFront::ResponseHeadersPolicy'));
    const headers = (policy?.Properties?.ResponseHeadersPolicyConfig as { SecurityHeadersConfig: Record<string, Record<string, unknown>> }).SecurityHeadersConfig;
    expect(headers.StrictTransportSecurity).toMatchObject({ AccessControlMaxAgeSec: 63_072_000, IncludeSubdomains: true });
    expect(headers.ContentTypeOptions).toMatchObject({ Override: true });
    expect(headers.ReferrerPolicy).toMatchObject({ ReferrerPolicy: 'no-referrer' });
    for (const b of [config().DefaultCacheBehavior, ...config().CacheBehaviors]) expect(b.ResponseHeadersPolicyId).toBeDefined();
  });
});
