/** The keys contract's routes: the owner's own provider keys. */
import type { keysContract } from '../../contracts/keys.ts';
import { deleteKey, listKeys, putKey, testKey } from '../../core/keys.ts';
import type { Implementations } from '../../http/dispatch.ts';
import type { AdminContext } from './context.ts';

export const keyRoutes = {
  listKeys: async ({ deps, tenant }) => ({ keys: await listKeys(deps, await tenant()) }),
  putKey: async ({ deps, tenant, source }, req) => ({ key: await putKey(deps, await tenant(), req.params.provider, req.body, source) }),
  deleteKey: async ({ deps, tenant, source }, { params }) => deleteKey(deps, await tenant(), params.provider, source),
  testKey: async ({ deps, tenant, source }, { params }) => ({ key: await testKey(deps, await tenant(), params.provider, source) }),
} satisfies Implementations<typeof keysContract, AdminContext>;
