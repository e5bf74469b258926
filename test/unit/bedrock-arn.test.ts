// Bedrock ARNs an operator may approve: their parts, and the same place, foundation model
// and residency verdict as the id they name; an application inference profile is refused.
import { describe, expect, it } from 'vitest';
import { bedrockArnOf, bedrockModelRefusal, foundationModelOf, placeOf, staysInEu } from '../../lambdas/core/bedrock-models.ts';
import { bedrockModelProblem } from '../../lambdas/core/residency.ts';

const SONNET_EU = 'eu.anthropic.claude-sonnet-4-5-20250929-v1:0';
const PROFILE_ARN = `arn:aws:bedrock:eu-west-1:123456789012:inference-profile/${SONNET_EU}`;
const US_PROFILE_ARN = 'arn:aws:bedrock:eu-west-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const NOVA_ARN = 'arn:aws:bedrock:eu-central-1::foundation-model/amazon.nova-lite-v1:0';
const APPLICATION_ARN = 'arn:aws:bedrock:eu-west-1:123456789012:application-inference-profile/a1b2c3d4e5f6';

describe('Bedrock ARNs', () => {
  it('are read into partition, region, account, resource type and id', () => {
    expect(bedrockArnOf(PROFILE_ARN)).toEqual({ partition: 'aws', region: 'eu-west-1', account: '123456789012', resourceType: 'inference-profile', id: SONNET_EU });
    expect(bedrockArnOf(NOVA_ARN)).toEqual({ partition: 'aws', region: 'eu-central-1', account: undefined, resourceType: 'foundation-model', id: 'amazon.nova-lite-v1:0' });
    expect(bedrockArnOf('arn:aws-us-gov:bedrock::123456789012:application-inference-profile/x1')).toEqual({ partition: 'aws-us-gov', region: undefined, account: '123456789012', resourceType: 'application-inference-profile', id: 'x1' });
    expect(bedrockArnOf(SONNET_EU)).toBeUndefined();
    expect(bedrockArnOf('arn:aws:s3:::bucket/key')).toBeUndefined();
  });

  it('are placed, priced and judged for residency like the id they name', () => {
    expect(placeOf(PROFILE_ARN, 'eu-west-1')).toEqual(placeOf(SONNET_EU, 'eu-west-1'));
    expect(foundationModelOf(PROFILE_ARN)).toBe(foundationModelOf(SONNET_EU));
    expect(placeOf(NOVA_ARN, 'eu-west-1')).toEqual({ kind: 'region', region: 'eu-central-1' });
    expect(staysInEu(PROFILE_ARN, 'eu-west-1')).toBe(true);
    expect(staysInEu(US_PROFILE_ARN, 'eu-west-1')).toBe(false);
    expect(bedrockModelProblem('eu', 'eu-west-1', US_PROFILE_ARN)).toMatch(/United States/);
    expect(bedrockModelProblem('eu', 'eu-west-1', PROFILE_ARN)).toBeUndefined();
  });

  it('refuse an application inference profile and a profile of no known geography, and nothing else', () => {
    expect(bedrockModelRefusal(APPLICATION_ARN)).toMatch(/application inference profile.*cannot know/);
    expect(bedrockModelRefusal('arn:aws:bedrock:eu-west-1:123456789012:inference-profile/anthropic.claude-sonnet-4-5-20250929-v1:0')).toMatch(/without a known geography/);
    for (const model of [PROFILE_ARN, US_PROFILE_ARN, NOVA_ARN, SONNET_EU, 'amazon.nova-lite-v1:0']) expect(bedrockModelRefusal(model)).toBeUndefined();
  });
});
