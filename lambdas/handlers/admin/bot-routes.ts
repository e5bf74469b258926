/** The bots contract's routes: bots, their configuration, and where their data goes. */
import type { botsContract } from '../../contracts/bots.ts';
import { listBedrockModels } from '../../core/bedrock-catalogue.ts';
import { getBot } from '../../core/bot-lookup.ts';
import { createBot, deleteBot, listBots, updateBot } from '../../core/bots.ts';
import { dataFlowOf } from '../../core/data-flow.ts';
import type { Implementations } from '../../http/dispatch.ts';
import type { AdminContext } from './context.ts';

export const botRoutes = {
  listBots: async ({ deps, tenant }) => ({ bots: await listBots(deps, await tenant()) }),
  createBot: async ({ deps, tenant, source }, req) => ({ bot: await createBot(deps, await tenant(), req.body, source) }),
  getBot: async ({ deps, tenant }, { params }) => ({ bot: await getBot(deps, await tenant(), params.botId) }),
  updateBot: async ({ deps, tenant, source }, req) => ({ bot: await updateBot(deps, await tenant(), req.params.botId, req.body, source) }),
  deleteBot: async ({ deps, tenant, source }, { params }) => deleteBot(deps, await tenant(), params.botId, source),
  getDataFlow: async ({ deps, tenant }, { params }) => ({ dataFlow: await dataFlowOf(deps, await tenant(), params.botId) }),
  listBedrockModels: async ({ deps, tenant }) => listBedrockModels(deps, await tenant()),
} satisfies Implementations<typeof botsContract, AdminContext>;
