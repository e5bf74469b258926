/**
 * The widget API on the script's own origin: config, visitor sessions, the
 * streamed chat (fetch + ReadableStream, so the token travels in a header and
 * never in a URL), and the visitor's actions. No cookies, no referrer.
 */
import { createSseParser } from './sse.ts';
import type { SavedChat } from './types.ts';
import type { ChatStreamEvent, VisitorSessionGrant, WidgetConfig } from '../../lambdas/contracts/views.ts';
import type { DeepReadonly, RequestOf, RouteAt, RoutesOf } from '../../lambdas/contracts/contract.ts';
import type { widgetContract } from '../../lambdas/contracts/widget.ts';

// Type-only imports: the contract's types, no server code, in the bundle.
export type { WidgetConfig } from '../../lambdas/contracts/views.ts';

export type LeadField = NonNullable<WidgetConfig['leadForm']>['fields'][number];

/** What the widget POSTs to `/widget/v1/{publicId}<path>`, as the widget contract's schema takes it. */
type PostBody<P extends string> = DeepReadonly<RequestOf<RouteAt<RoutesOf<{ widget: typeof widgetContract }>, 'POST', `/widget/v1/{publicId}${P}`>>>;

/** One server-sent event of a streamed answer. */
export type ChatEvent = ChatStreamEvent;

/** A refusal or failure, with words fit for the visitor. `status` 0 is a network failure. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  /** Seconds to wait, from `Retry-After` (rate limits). */
  readonly retryAfter: number;

  constructor(status: number, code: string, message: string, retryAfter = 0) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }
}

const OFFLINE = "We couldn't reach the assistant. Check your connection and try again.";
const FAILED = 'Something went wrong on our side. Please try again.';
/** Renew a token this long before it expires. */
const RENEW_MARGIN_MS = 60_000;

interface Call {
  readonly method?: 'GET' | 'POST';
  readonly body?: unknown;
  readonly token?: string | undefined;
  readonly signal?: AbortSignal | undefined;
}

/**
 * A client for one bot. `chat` holds the visitor token (saved with the
 * conversation, so it survives navigations); `persist` saves it.
 */
export const createClient = (base: string, publicId: string, chat: SavedChat, persist: () => void) => {
  const root = `${base}/widget/v1/${encodeURIComponent(publicId)}`;

  const call = async (path: string, { method = 'POST', body, token, signal }: Call = {}): Promise<Response> => {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token) headers.authorization = `Bearer ${token}`;
    let res: Response;
    try {
      res = await fetch(root + path, {
        method, headers, signal, credentials: 'omit', referrerPolicy: 'no-referrer', cache: 'no-store',
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch (err) {
      if (signal?.aborted) throw err;
      throw new ApiError(0, 'network', OFFLINE);
    }
    if (res.ok) return res;
    let error = { code: 'internal', message: FAILED };
    try {
      const parsed = (await res.json()) as { error?: { code?: unknown; message?: unknown } };
      if (typeof parsed.error?.message === 'string') error = { code: String(parsed.error.code), message: parsed.error.message };
    } catch {
      // Not our JSON (a proxy's page): the generic words.
    }
    throw new ApiError(res.status, error.code, error.message, Number(res.headers.get('retry-after')) || 0);
  };

  let renewing: Promise<string> | undefined;
  /** A valid token: the saved one, else a new session (sending the old token keeps the visitor id while it is valid). */
  const token = (): Promise<string> => {
    if (chat.token && (chat.expiresAt ?? 0) - RENEW_MARGIN_MS > Date.now()) return Promise.resolve(chat.token);
    return (renewing ??= call('/sessions', { token: chat.token })
      .then((res) => res.json() as Promise<VisitorSessionGrant>)
      .then((session) => {
        chat.token = session.token;
        chat.expiresAt = Date.now() + session.expiresIn * 1000;
        persist();
        return session.token;
      })
      .finally(() => {
        renewing = undefined;
      }));
  };

  /**
   * A visitor call; a refused token gets a new session and one retry. A refusal may
   * reach us as a network error: the API sends a 401 without CORS headers, which
   * the browser hides. So a network error on a saved token is treated the same.
   */
  const visitorCall = async (path: string, body: unknown, signal?: AbortSignal): Promise<Response> => {
    const saved = !!chat.token && (chat.expiresAt ?? 0) - RENEW_MARGIN_MS > Date.now();
    try {
      return await call(path, { body, signal, token: await token() });
    } catch (err) {
      if (!(err instanceof ApiError) || !(err.status === 401 || (err.status === 0 && saved))) throw err;
      chat.expiresAt = 0;
      return call(path, { body, signal, token: await token() });
    }
  };

  return {
    config: async (): Promise<WidgetConfig> => (await call('/config', { method: 'GET' })).json() as Promise<WidgetConfig>,
    /** Starts a session ahead of the first question, so it is not waited for then. */
    warmUp: (): void => void token().catch(() => undefined),
    /** Feedback, handoff and lead: JSON in, nothing needed back. */
    send: async <P extends '/feedback' | '/handoff' | '/lead'>(path: P, body: PostBody<P>): Promise<void> => {
      await visitorCall(path, body);
    },
    /** Asks a question; `onEvent` gets each event as it streams. Resolves when the stream ends. */
    ask: async (body: PostBody<'/chat'>, signal: AbortSignal, onEvent: (event: ChatEvent) => void): Promise<void> => {
      const res = await visitorCall('/chat', body, signal);
      if (!res.body) throw new ApiError(0, 'network', OFFLINE);
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      const parse = createSseParser(({ event, data }) => {
        let parsed: Record<string, unknown>;
        try {
          parsed = JSON.parse(data) as Record<string, unknown>;
        } catch {
          return;
        }
        onEvent({ ...parsed, type: event } as ChatEvent);
      });
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        parse(value);
      }
    },
  };
};

export type Client = ReturnType<typeof createClient>;
