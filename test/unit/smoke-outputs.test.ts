// Which address `npm run smoke` takes from a CDK outputs file, whichever URL outputs the stack has.
import { describe, expect, it } from 'vitest';
import { baseUrlFromOutputs, SmokeInputError } from '../../infra/ops/smoke-checks.ts';

describe('the smoke check’s outputs file', () => {
  it('takes the stack’s origin from Url, WidgetUrl, AdminUrl or the distribution’s domain, skipping stacks without one', () => {
    const edge = { 'Parley-dev-edge-eu-west-1': { WebAclArn: 'arn:aws:wafv2:us-east-1:1:global/webacl/x' } };
    expect(baseUrlFromOutputs({ ...edge, 'Parley-dev': { Url: 'https://d1.cloudfront.net' } })).toBe('https://d1.cloudfront.net');
    expect(baseUrlFromOutputs({ ...edge, 'Parley-dev': { WidgetUrl: 'https://chat.example.com/widget.js' } })).toBe('https://chat.example.com');
    expect(baseUrlFromOutputs({ 'Parley-dev': { AdminUrl: 'https://d2.cloudfront.net/admin/', TableName: 't' } })).toBe('https://d2.cloudfront.net');
    expect(baseUrlFromOutputs({ 'Parley-dev': { DistributionDomainName: 'd3.cloudfront.net' } })).toBe('https://d3.cloudfront.net');
  });

  it('says what is wrong with a file that names no address, or is not an outputs file', () => {
    for (const bad of [[], 'text', null, { 'Parley-dev': { TableName: 't' } }]) {
      expect(() => baseUrlFromOutputs(bad)).toThrow(SmokeInputError);
    }
    expect(() => baseUrlFromOutputs({ 'Parley-dev': { Url: 'ftp://x' } })).toThrow('Parley-dev.Url must be an http(s) address, not ftp:');
  });
});
