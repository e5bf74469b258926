/**
 * The Amazon Bedrock models this deployment offers, as a bot's settings page
 * shows them: the operator's approved list (deploy parameter), each with its
 * name, where it processes requests, and whether the deployment's residency
 * profile and allowed providers let an owner choose it. The page offers these
 * and nothing else; the server refuses any other model when a bot is saved.
 */
import { embeddingSizesOf, modelNameOf, placeOf } from './bedrock-models.ts';
import type { Deps } from './ports.ts';
import type { ModelPurpose } from './providers.ts';
import { bedrockPlaceInWords } from './residency.ts';
import { requireRole } from './roles.ts';
import type { TenantContext } from './tenancy.ts';
import type { BedrockCatalogue, BedrockModelView } from './views.ts';

/** The ports the catalogue reads: the residency policy (approved list, verdicts) and whether a Bedrock embedder is wired. */
export type BedrockCatalogueDeps = Pick<Deps, 'embedders' | 'residency'>;

const NO_EMBEDDER = 'This deployment cannot reach Amazon Bedrock to embed documents.';

const viewOf = (deps: BedrockCatalogueDeps, purpose: ModelPurpose, id: string): BedrockModelView => {
  const verdict = deps.residency.check('bedrock', { purpose, model: id });
  // Wiring builds the embedder only where Bedrock can be reached; without it nothing could be indexed.
  const usable = verdict.allowed && (purpose === 'chat' || deps.embedders.bedrock !== undefined);
  const reason = !verdict.allowed ? verdict.reason : usable ? undefined : NO_EMBEDDER;
  return {
    id,
    name: modelNameOf(id),
    place: placeOf(id, deps.residency.region),
    where: bedrockPlaceInWords(id, deps.residency.region),
    allowed: usable,
    ...(reason ? { reason } : {}),
    ...(purpose === 'embedding' ? { dimensions: embeddingSizesOf(id) } : {}),
  };
};

/** The approved Bedrock models, for any signed-in member of the account (a viewer sees the settings too). */
export const listBedrockModels = (deps: BedrockCatalogueDeps, tenant: TenantContext): BedrockCatalogue => {
  requireRole(tenant, 'viewer');
  return {
    chat: deps.residency.approvedBedrockModels('chat').map((id) => viewOf(deps, 'chat', id)),
    embedding: deps.residency.approvedBedrockModels('embedding').map((id) => viewOf(deps, 'embedding', id)),
  };
};
