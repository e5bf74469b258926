/**
 * Amazon Bedrock model identifiers, and where each one processes requests. The
 * operator approves a list (deploy parameter); an owner picks one per bot. An
 * identifier is a foundation model id (`amazon.nova-lite-v1:0`: served in the
 * function's own region), a cross-region inference profile id whose first label
 * names its geography (`eu.anthropic.claude-…`: routed among that geography's
 * regions only; `global.…`: anywhere), or the ARN of either. Imports nothing
 * but types, so the panel can read it too.
 */
import type { BedrockPlace } from './views.ts';

export type { BedrockPlace };

/** Titan Text Embeddings V2: the embedding model a bot's Bedrock setting means when it names none. */
export const BEDROCK_EMBEDDING_MODEL = 'amazon.titan-embed-text-v2:0';

/**
 * The embedding models Parley calls on Bedrock, with the sizes each makes: Titan Text
 * Embeddings V2 (256, 512 or 1,024) and Cohere Embed v3, English or multilingual (1,024).
 */
export const BEDROCK_EMBEDDING_SIZES: Readonly<Record<string, readonly number[]>> = {
  [BEDROCK_EMBEDDING_MODEL]: [256, 512, 1024],
  'cohere.embed-english-v3': [1024],
  'cohere.embed-multilingual-v3': [1024],
};

/** The geographies of Bedrock's cross-region inference profiles, by the prefix of their ids. */
const GEOGRAPHIES: Readonly<Record<string, string>> = {
  eu: 'the EU',
  us: 'the United States',
  'us-gov': 'AWS GovCloud (US)',
  apac: 'Asia Pacific',
  jp: 'Japan',
  au: 'Australia',
  ca: 'Canada',
  global: 'any commercial AWS region worldwide',
};

/** A model identifier: letters, digits and `.:-_/` (ids, profile ids, ARNs). */
export const BEDROCK_MODEL_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,199}$/;

/** The parts of a Bedrock ARN (`arn:aws:bedrock:eu-west-1:123456789012:inference-profile/eu.anthropic.…`). */
export interface BedrockArn {
  /** `aws`, `aws-us-gov`, … */
  readonly partition: string;
  /** Undefined when the ARN leaves it empty. */
  readonly region: string | undefined;
  /** Undefined when the ARN leaves it empty (foundation models). */
  readonly account: string | undefined;
  /** `foundation-model`, `inference-profile`, `application-inference-profile`, … */
  readonly resourceType: string;
  /** The model or profile id after the slash. */
  readonly id: string;
}

/** The parts of a Bedrock ARN; undefined for anything else (an id). */
export const bedrockArnOf = (model: string): BedrockArn | undefined => {
  const arn = /^arn:(aws[a-z-]*):bedrock:([a-z0-9-]*):([0-9]*):([a-z-]+)\/(.+)$/.exec(model);
  return arn ? { partition: arn[1]!, region: arn[2] || undefined, account: arn[3] || undefined, resourceType: arn[4]!, id: arn[5]! } : undefined;
};

/** The id inside an ARN (`arn:aws:bedrock:eu-west-1::foundation-model/ID` → ID), else the identifier itself. */
const idOf = (model: string): { id: string; region: string | undefined } => {
  const arn = bedrockArnOf(model);
  return arn ? { id: arn.id, region: arn.region } : { id: model, region: undefined };
};

/** Where a model identifier is served, given the region the function calls from. */
export const placeOf = (model: string, region: string): BedrockPlace => {
  const { id, region: arnRegion } = idOf(model);
  const prefix = id.split('.')[0]!;
  const name = GEOGRAPHIES[prefix];
  if (name && id.includes('.', prefix.length + 1)) return { kind: 'geography', prefix, name };
  return { kind: 'region', region: arnRegion ?? region };
};

/** The foundation model behind an identifier, without its profile's geography: for list prices. */
export const foundationModelOf = (model: string): string => {
  const { id } = idOf(model);
  const prefix = id.split('.')[0]!;
  return GEOGRAPHIES[prefix] && id.includes('.', prefix.length + 1) ? id.slice(prefix.length + 1) : id;
};

/**
 * Why an identifier cannot be approved; undefined when it can. An application inference
 * profile (`…:application-inference-profile/ID`) routes to models chosen in the AWS account,
 * which a deployment cannot read when it writes its IAM policy, so it cannot be granted least privilege.
 */
export const bedrockModelRefusal = (model: string): string | undefined => {
  const arn = bedrockArnOf(model);
  if (arn?.resourceType === 'application-inference-profile') {
    return `${model} is an application inference profile, whose models Parley cannot know when it grants access; approve the system-defined inference profile or foundation model it copies (such as eu.anthropic.claude-sonnet-4-5-20250929-v1:0) instead`;
  }
  if (arn?.resourceType === 'inference-profile' && foundationModelOf(model) === arn.id) {
    return `${model} names an inference profile without a known geography (${Object.keys(GEOGRAPHIES).join('., ')}.)`;
  }
  return undefined;
};

/** Whether requests to this identifier stay in the EU: an EU region, or an `eu.` profile. */
export const staysInEu = (model: string, region: string): boolean => {
  const place = placeOf(model, region);
  return place.kind === 'region' ? place.region.startsWith('eu-') : place.prefix === 'eu';
};

/** The names people know the foundation models by, as Amazon Bedrock's model catalogue writes them. */
const MODEL_NAMES: Readonly<Record<string, string>> = {
  'anthropic.claude-opus-4-1-20250805-v1:0': 'Claude Opus 4.1',
  'anthropic.claude-sonnet-4-5-20250929-v1:0': 'Claude Sonnet 4.5',
  'anthropic.claude-sonnet-4-20250514-v1:0': 'Claude Sonnet 4',
  'anthropic.claude-haiku-4-5-20251001-v1:0': 'Claude Haiku 4.5',
  'anthropic.claude-3-7-sonnet-20250219-v1:0': 'Claude 3.7 Sonnet',
  'anthropic.claude-3-5-haiku-20241022-v1:0': 'Claude 3.5 Haiku',
  'amazon.nova-premier-v1:0': 'Amazon Nova Premier',
  'amazon.nova-pro-v1:0': 'Amazon Nova Pro',
  'amazon.nova-lite-v1:0': 'Amazon Nova Lite',
  'amazon.nova-micro-v1:0': 'Amazon Nova Micro',
  'meta.llama3-3-70b-instruct-v1:0': 'Llama 3.3 70B Instruct',
  'meta.llama3-1-8b-instruct-v1:0': 'Llama 3.1 8B Instruct',
  'mistral.mistral-large-2407-v1:0': 'Mistral Large (24.07)',
  'mistral.pixtral-large-2502-v1:0': 'Pixtral Large (25.02)',
  'amazon.titan-embed-text-v2:0': 'Titan Text Embeddings V2',
  'cohere.embed-english-v3': 'Cohere Embed English v3',
  'cohere.embed-multilingual-v3': 'Cohere Embed Multilingual v3',
};

/** The model's name as people know it (`Claude Sonnet 4.5`); an identifier Parley does not know is shown as it is. */
export const modelNameOf = (model: string): string => MODEL_NAMES[foundationModelOf(model)] ?? model;

/** The Bedrock embedding model a bot's embedding setting names: Titan Text Embeddings V2 unless it names another. */
export const bedrockEmbeddingModelOf = (choice: { readonly provider: string; readonly model?: string }): string =>
  (choice.provider === 'bedrock' && choice.model) || BEDROCK_EMBEDDING_MODEL;

/** Whether an identifier names an embedding model rather than one that answers. */
export const isEmbeddingModel = (model: string): boolean => Object.hasOwn(BEDROCK_EMBEDDING_SIZES, foundationModelOf(model));

/** The sizes a Bedrock embedding model makes; empty for a model that does not embed. */
export const embeddingSizesOf = (model: string): readonly number[] => (isEmbeddingModel(model) ? BEDROCK_EMBEDDING_SIZES[foundationModelOf(model)]! : []);
