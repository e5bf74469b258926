/**
 * A webhook endpoint on loopback for the tests: records every request (method,
 * path, headers, body) and answers with the statuses it is told to, in turn
 * (the last one repeats), 200 by default.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

export interface WebhookReceiver {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** `127.0.0.1:<port>`, for PARLEY_EGRESS_ALLOW_HOSTS. */
  readonly host: string;
  readonly received: ReceivedWebhook[];
  /** The statuses to answer with from now on, in turn; the last one repeats. */
  answerWith(...statuses: number[]): void;
  close(): Promise<void>;
}

export const startWebhookReceiver = async (): Promise<WebhookReceiver> => {
  const received: ReceivedWebhook[] = [];
  let statuses = [200];
  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(parts).toString('utf8') });
      const status = statuses.length > 1 ? statuses.shift()! : statuses[0]!;
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(status < 300 ? 'ok' : 'no');
    });
  });
  return {
    ...(await listenOnLoopback(server)),
    received,
    answerWith: (...next) => {
      statuses = next.length > 0 ? next : [200];
    },
  };
};

/** Starts `server` on a free loopback port: its base URL, its `host:port` (for PARLEY_EGRESS_ALLOW_HOSTS), and how to stop it. */
export const listenOnLoopback = async (server: http.Server): Promise<{ url: string; host: string; close: () => Promise<void> }> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
};
