/**
 * What a route contract says: method and path, the function that serves it,
 * how callers prove who they are, the request's schemas, the response's type
 * and the audit actions it records. One module per API area declares its
 * routes with `route`; the route table, the handlers' dispatch and the
 * clients' types all read those modules.
 *
 * Contract modules import no Node, no SDK and no adapter, so the admin panel
 * and the widget can `import type` from them. This file imports nothing at run
 * time: the panel takes `fillPath` from it and no other code.
 */
import type * as zc from 'zod/v4/core';

/** The Lambda function that serves a route; one entry file each in lambdas/handlers. */
export type FunctionName = 'admin-api' | 'widget-api' | 'chat-stream';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

/** `jwt`: a Cognito ID token checked by the admin function (admin). `public`: origin-checked widget routes. */
export type Auth = 'jwt' | 'public';

/** A route as the contract modules write it. */
export interface RouteSpec {
  readonly method: HttpMethod;
  /** API Gateway path template, parameters in braces: `/v1/bots/{botId}`. */
  readonly path: string;
  readonly fn: FunctionName;
  readonly auth: Auth;
  /** The status of a success; 204 sends no body. */
  readonly status: 200 | 201 | 202 | 204;
  /** The JSON body's schema (zod, full or mini build); a route without one takes no body. */
  readonly body?: zc.$ZodType;
  /** The query string's schema; a route without one reads no query parameters through its contract. */
  readonly query?: zc.$ZodType;
  /** The audit actions the route records (the core function records them), e.g. `bot.create`. */
  readonly audit?: readonly string[];
}

// Type-only: a route's response type rides along with its spec, nothing of it exists at run time.
declare const responseType: unique symbol;

/** A route with its response type. */
export interface RouteContract<Res = unknown> extends RouteSpec {
  readonly [responseType]: Res;
}

/** An API area's routes by name. */
export type Contract = Readonly<Record<string, RouteContract>>;

/**
 * Declares a route whose success returns `Res` as JSON (`void` for a 204):
 * `route<{ bot: Bot }>()({ method: 'GET', path: '/v1/bots/{botId}', ... })`.
 */
export const route = <Res = void>() => <const S extends RouteSpec>(spec: S): S & RouteContract<Res> =>
  spec as S & RouteContract<Res>;

/** What a route returns on success. */
export type ResponseOf<C> = C extends { readonly [responseType]: infer R } ? R : never;

/** A route's body as its schema outputs it (after trimming and defaults); `undefined` when it takes none. */
export type BodyOf<C> = C extends { readonly body: infer S extends zc.$ZodType } ? zc.output<S> : undefined;

/** A route's body as a client sends it. */
export type RequestOf<C> = C extends { readonly body: infer S extends zc.$ZodType } ? zc.input<S> : undefined;

/** A route's query parameters as its schema outputs them; `undefined` when it has no query schema. */
export type QueryOf<C> = C extends { readonly query: infer S extends zc.$ZodType } ? zc.output<S> : undefined;

type ParamNames<P extends string> = P extends `${string}{${infer Name}}${infer Rest}`
  ? (Name extends `${infer Greedy}+` ? Greedy : Name) | ParamNames<Rest>
  : never;

/** A route's path parameters by name, from its path template. */
export type ParamsOf<C> = C extends { readonly path: infer P extends string } ? Readonly<Record<ParamNames<P>, string>> : never;

/** `"GET /v1/bots/{botId}"`, the form API Gateway puts in `event.routeKey`. */
export const routeKeyOf = (route: Pick<RouteSpec, 'method' | 'path'>): string => `${route.method} ${route.path}`;

/** A route of the table: its contract's name and spec. */
export interface NamedRoute extends RouteSpec {
  readonly name: string;
}

/** The routes of some contracts, in the order they are written, with their names. */
export const routesOf = (...contracts: readonly Contract[]): NamedRoute[] =>
  contracts.flatMap((c) => Object.entries(c).map(([name, spec]) => ({ ...spec, name })));

/** A route's query parameters as a client sends them; `undefined` when it has no query schema. */
export type QueryInputOf<C> = C extends { readonly query: infer S extends zc.$ZodType } ? zc.input<S> : undefined;

/** Every route of a record of contracts (the admin areas, say), as one union. */
export type RoutesOf<Cs> = { [A in keyof Cs]: Cs[A][keyof Cs[A]] }[keyof Cs];

/** The route among `Routes` at `method` and `path`. */
export type RouteAt<Routes, M, P> = Extract<Routes, { readonly method: M; readonly path: P }>;

/** The paths among `Routes` that answer `method`. */
export type PathsFor<Routes, M> = Extract<Routes, { readonly method: M }> extends { readonly path: infer P extends string } ? P : never;

// A part the route does not have is `?: never`, so a caller who passes it anyway is told.
type ParamsPart<C> = keyof ParamsOf<C> extends never ? { readonly params?: never } : { readonly params: ParamsOf<C> };
/** `T` with every array and object read-only: a client may pass what it holds read-only (a bot's lead form, say). */
export type DeepReadonly<T> = T extends readonly (infer E)[] ? readonly DeepReadonly<E>[]
  : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;

type BodyPart<C> = RequestOf<C> extends undefined ? { readonly body?: never }
  : object extends RequestOf<C> ? { readonly body?: DeepReadonly<RequestOf<C>> } : { readonly body: DeepReadonly<RequestOf<C>> };
type QueryPart<C> = QueryInputOf<C> extends undefined ? { readonly query?: never } : { readonly query?: QueryInputOf<C> };

/** What a client gives to call route `C`: its path parameters, body and query, each only where the route has them. */
export type CallInput<C> = ParamsPart<C> & BodyPart<C> & QueryPart<C>;

/**
 * A client call typed by contracts: `method` and a path template the contracts
 * declare for it (`'/v1/bots/{botId}'`), then the route's input (optional when
 * it needs none); resolves to the route's response.
 */
export type Caller<Routes> = <M extends HttpMethod, P extends PathsFor<Routes, M>>(
  method: M,
  path: P,
  ...input: object extends CallInput<RouteAt<Routes, M, P>> ? [input?: CallInput<RouteAt<Routes, M, P>>] : [input: CallInput<RouteAt<Routes, M, P>>]
) => Promise<ResponseOf<RouteAt<Routes, M, P>>>;

/**
 * A path template with its parameters filled in, each URI-encoded (a greedy
 * `{name+}` keeps its slashes), and the query string appended without the
 * parameters left undefined: `/v1/bots/{botId}` + `{ botId: 'b 1' }` → `/v1/bots/b%201`.
 */
export const fillPath = (
  path: string,
  params: Readonly<Record<string, string>> = {},
  query: Readonly<Record<string, string | number | boolean | undefined>> = {},
): string => {
  const filled = path.replace(/\{(\w+)(\+?)\}/g, (_, name: string, greedy: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`${path}: no value for {${name}}`);
    return greedy ? value.split('/').map(encodeURIComponent).join('/') : encodeURIComponent(value);
  });
  const pairs = Object.entries(query).filter((e): e is [string, string | number | boolean] => e[1] !== undefined);
  return pairs.length ? `${filled}?${new URLSearchParams(pairs.map(([k, v]): [string, string] => [k, String(v)])).toString()}` : filled;
};
