/**
 * Slack's incoming-webhook endpoint, as it answers, on loopback: `POST /services/<team>/<bot>/<token>` with a JSON
 * body holding a non-empty `text` gets 200 `ok`; a body that is not JSON 400 `invalid_payload`, one without text
 * 400 `no_text`; an unknown path 404 `no_service`; a token told to fail its status and error code (410
 * `channel_is_archived`, …). Every answer is `text/plain` with the bare code, as Slack documents its errors.
 * Records every post.
 */
import http from 'node:http';
import { listenOnLoopback } from './webhook-receiver.ts';

export interface SlackPost {
  readonly path: string;
  readonly contentType: string | undefined;
  readonly body: string;
}

export interface SlackReceiver {
  /** `http://127.0.0.1:<port>`: PARLEY_SLACK_WEBHOOK_ENDPOINT. */
  readonly url: string;
  /** `127.0.0.1:<port>`, for PARLEY_EGRESS_ALLOW_HOSTS. */
  readonly host: string;
  readonly posts: SlackPost[];
  /** From now on, posts to a webhook whose token is `token` answer `status` with `code`. */
  fail(token: string, status: number, code: string): void;
  close(): Promise<void>;
}

const PATH = /^\/services\/[A-Z0-9]+\/[A-Z0-9]+\/([A-Za-z0-9]+)$/;

export const startSlackReceiver = async (): Promise<SlackReceiver> => {
  const posts: SlackPost[] = [];
  const failures = new Map<string, { status: number; code: string }>();
  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const body = Buffer.concat(parts).toString('utf8');
      posts.push({ path: req.url ?? '', contentType: req.headers['content-type'], body });
      const answer = (status: number, text: string) => {
        res.writeHead(status, { 'content-type': 'text/plain' });
        res.end(text);
      };
      const token = PATH.exec(req.url ?? '')?.[1];
      if (req.method !== 'POST' || token === undefined) return answer(404, 'no_service');
      const failure = failures.get(token);
      if (failure) return answer(failure.status, failure.code);
      let text: unknown;
      try {
        text = (JSON.parse(body) as { text?: unknown }).text;
      } catch {
        return answer(400, 'invalid_payload');
      }
      return typeof text === 'string' && text.trim() !== '' ? answer(200, 'ok') : answer(400, 'no_text');
    });
  });
  return {
    ...(await listenOnLoopback(server)),
    posts,
    fail: (token, status, code) => {
      failures.set(token, { status, code });
    },
  };
};
