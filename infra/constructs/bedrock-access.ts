/**
 * Least privilege for Amazon Bedrock: the functions may invoke exactly the
 * models and inference profiles the operator approved (`bedrockModels`), with
 * the one action each call needs, and nothing else: no `bedrock:*`, no
 * wildcard model. `ConverseStream` is authorized as
 * `bedrock:InvokeModelWithResponseStream`, Titan's `InvokeModel` as
 * `bedrock:InvokeModel`.
 *
 * A foundation model id is granted in the stack's region. A cross-region
 * inference profile needs two grants, as Bedrock checks both: the profile in
 * the stack's region, and the foundation model in every region the profile may
 * route to, the latter only through that profile (`bedrock:InferenceProfileArn`),
 * so the model cannot be called directly in another region.
 */
import { Aws, type Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { bedrockArnOf, bedrockModelRefusal, foundationModelOf, isEmbeddingModel, placeOf } from '../../lambdas/core/bedrock-models.ts';
import type { ParleyFunction } from './parley-function.ts';

/**
 * The regions each geography's inference profiles may route to: every commercial region of
 * the geography that serves Bedrock, so a destination AWS adds for a model is already granted.
 * For `eu.` profiles AWS lists eu-central-1, eu-north-1, eu-south-1, eu-south-2, eu-west-1 and
 * eu-west-3 (https://docs.aws.amazon.com/bedrock/latest/userguide/batch-inference-supported.html,
 * the Nova profiles; read 2026-12-06); eu-central-2 and eu-west-2 are granted too. That widens
 * nothing the profile does not do itself: each grant holds only through the profile
 * (`bedrock:InferenceProfileArn`), and the profile alone decides where a request goes.
 */
export const GEOGRAPHY_REGIONS: Readonly<Record<string, readonly string[]>> = {
  eu: ['eu-central-1', 'eu-central-2', 'eu-north-1', 'eu-south-1', 'eu-south-2', 'eu-west-1', 'eu-west-2', 'eu-west-3'],
  us: ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2'],
  apac: ['ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-south-1', 'ap-south-2', 'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4'],
  jp: ['ap-northeast-1', 'ap-northeast-3'],
  au: ['ap-southeast-2', 'ap-southeast-4'],
  ca: ['ca-central-1', 'ca-west-1'],
};

/** What each function calls Bedrock for. */
export interface BedrockUsers {
  /** Functions that answer visitors (ConverseStream) and embed their questions. */
  readonly chat: readonly ParleyFunction[];
  /** Functions that only embed (documents at ingestion). */
  readonly embedding: readonly ParleyFunction[];
}

const foundationArn = (region: string, model: string, partition: string = Aws.PARTITION) => `arn:${partition}:bedrock:${region}::foundation-model/${model}`;

/**
 * The statements that let a role invoke `models` with `action`. An ARN is granted as its id
 * would be, in the region, account and partition it names (empty parts are the stack's), so a
 * profile's ARN also reaches its foundation model in the profile's destination regions.
 */
export const bedrockStatements = (stack: Stack, models: readonly string[], action: string, sid: string): iam.PolicyStatement[] => {
  const direct: string[] = [];
  const throughProfiles: iam.PolicyStatement[] = [];
  for (const model of models) {
    const refusal = bedrockModelRefusal(model);
    if (refusal) throw new Error(`bedrockModels: ${refusal}`);
    const arn = bedrockArnOf(model);
    if (arn && arn.resourceType !== 'foundation-model' && arn.resourceType !== 'inference-profile') {
      // Provisioned and custom models: the ARN is the whole grant.
      direct.push(model);
      continue;
    }
    const partition = arn?.partition ?? Aws.PARTITION;
    const place = placeOf(model, stack.region);
    const id = arn?.id ?? model;
    if (place.kind === 'region') {
      direct.push(foundationArn(place.region, id, partition));
      continue;
    }
    const profileArn = `arn:${partition}:bedrock:${arn?.region ?? stack.region}:${arn?.account ?? Aws.ACCOUNT_ID}:inference-profile/${id}`;
    direct.push(profileArn);
    const foundation = foundationModelOf(model);
    // A global profile may route to any commercial region: its foundation model's ARN names none.
    const regions = place.prefix === 'global' ? [''] : GEOGRAPHY_REGIONS[place.prefix];
    if (!regions) throw new Error(`bedrockModels: no destination regions are known for ${place.prefix}. inference profiles (${model})`);
    throughProfiles.push(new iam.PolicyStatement({
      sid: `${sid}Via${place.prefix.replace(/[^a-z]/g, '')}${throughProfiles.length}`,
      actions: [action],
      resources: regions.map((region) => foundationArn(region, foundation, partition)),
      conditions: { StringEquals: { 'bedrock:InferenceProfileArn': profileArn } },
    }));
  }
  return [
    ...(direct.length > 0 ? [new iam.PolicyStatement({ sid, actions: [action], resources: direct })] : []),
    ...throughProfiles,
  ];
};

/** Grants the approved models: answering models to the chat functions, the embedding model to every user. */
export const grantBedrock = (stack: Stack, models: readonly string[], users: BedrockUsers): void => {
  const chatModels = models.filter((m) => !isEmbeddingModel(m));
  const embeddingModels = models.filter(isEmbeddingModel);
  for (const fn of users.chat) {
    for (const statement of bedrockStatements(stack, chatModels, 'bedrock:InvokeModelWithResponseStream', 'BedrockAnswers')) fn.role.addToPrincipalPolicy(statement);
  }
  for (const fn of [...users.chat, ...users.embedding]) {
    for (const statement of bedrockStatements(stack, embeddingModels, 'bedrock:InvokeModel', 'BedrockEmbeddings')) fn.role.addToPrincipalPolicy(statement);
  }
};
