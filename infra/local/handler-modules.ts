/**
 * Where the local platform loads each function's handler from: the sources
 * (`lambdas/handlers/<name>.ts`, the default), or built bundles, so that the
 * artifacts the stack deploys run on the local platform too. A bundles folder
 * holds one folder per function, named after it, as `bundleHandler` writes it:
 * `<bundlesDir>/chat-stream/index.mjs` and its `chunks/`.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The functions the local platform runs, by the names the stack gives their handlers. */
export const localFunctions = ['admin-api', 'widget-api', 'chat-stream', 'ingest', 'account-export', 'notify', 'sweeper'] as const;
export type LocalFunction = (typeof localFunctions)[number];

/** The file a function's handler is loaded from. */
export const handlerFileOf = (name: LocalFunction, bundlesDir?: string): string =>
  bundlesDir ? path.resolve(bundlesDir, name, 'index.mjs') : fileURLToPath(new URL(`../../lambdas/handlers/${name}.ts`, import.meta.url));

export interface LoadedHandlers {
  /** Each function's exported `handler`. */
  readonly handlers: Readonly<Record<LocalFunction, unknown>>;
  /** The file each handler came from. */
  readonly files: Readonly<Record<LocalFunction, string>>;
}

/**
 * Imports every function's handler module, in the stack's order, as its cold
 * start would: after the `awslambda` global and the environment are in place.
 */
export const loadHandlers = async (bundlesDir?: string): Promise<LoadedHandlers> => {
  const files = Object.fromEntries(localFunctions.map((name) => [name, handlerFileOf(name, bundlesDir)])) as Record<LocalFunction, string>;
  const missing = localFunctions.filter((name) => !existsSync(files[name]));
  if (missing.length > 0) {
    throw new Error(`No handler bundle for ${missing.join(', ')} in ${bundlesDir ?? 'the sources'}: expected ${missing.map((name) => files[name]).join(', ')}`);
  }
  const handlers = {} as Record<LocalFunction, unknown>;
  for (const name of localFunctions) {
    const { handler } = (await import(pathToFileURL(files[name]).href)) as { handler?: unknown };
    if (typeof handler !== 'function') throw new Error(`${files[name]} exports no handler function`);
    handlers[name] = handler;
  }
  return { handlers, files };
};
