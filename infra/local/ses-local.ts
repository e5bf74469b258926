/**
 * The local outbox: Amazon SES v2 on loopback, for the notify function's real
 * SES client (endpoint override `PARLEY_SES_ENDPOINT`). It speaks the service's
 * REST-JSON protocol for the one operation Parley calls, `SendEmail`
 * (`POST /v2/email/outbound-emails`, `{"MessageId"}` back; errors with
 * `x-amzn-ErrorType` and `{"message"}`), and refuses unsigned requests as SES
 * does. Instead of sending, it keeps each message: in memory, as a text file in
 * the data folder's `outbox/` when there is one, and through `onMail` (one line
 * printed by `npm start`). Tests use `refuse` to have it answer as SES does when
 * it rejects a message, or fails for a while.
 *
 * Beyond SES, `GET /local/outbox/<messageId>` answers a kept message as JSON, so the
 * panel can show a mail's text locally (`adapters/mail/outbox-copies.ts`). The id must be
 * one this outbox gives (`local-<uuid>`); a file is found by listing the folder, never by
 * building a path from the request.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { OUTBOX_MESSAGE_ID, OUTBOX_READ_PATH } from '../../lambdas/adapters/mail/outbox-copies.ts';
import { listenOnLoopback } from './loopback.ts';

/** A message as the outbox received it. */
export interface OutboxMessage {
  readonly messageId: string;
  readonly from: string;
  readonly fromIdentityArn?: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly html?: string;
  readonly receivedAt: string;
}

/** An SES error the outbox answers instead of keeping a message. */
export interface SesRefusal {
  readonly status: number;
  /** SES's error name: `MessageRejected`, `TooManyRequestsException`, … */
  readonly type: string;
  readonly message: string;
}

export interface LocalSesOptions {
  /** Keep each message as `<dataDir>/outbox/<time>-<id>.txt`; undefined: in memory only. */
  readonly dataDir?: string | undefined;
  readonly onMail?: (message: OutboxMessage) => void;
  /** Decides, per request, whether to refuse it (tests). */
  readonly refuse?: (request: { to: readonly string[]; subject: string }) => SesRefusal | undefined;
}

export interface LocalSes {
  readonly url: string;
  /** Every message kept, oldest first. */
  readonly messages: readonly OutboxMessage[];
  /** Every `SendEmail` request, refused ones too. */
  readonly requests: number;
  stop(): Promise<void>;
}

const SEND_PATH = '/v2/email/outbound-emails';

interface SendEmailBody {
  FromEmailAddress?: string;
  FromEmailAddressIdentityArn?: string;
  Destination?: { ToAddresses?: string[] };
  Content?: { Simple?: { Subject?: { Data?: string }; Body?: { Text?: { Data?: string }; Html?: { Data?: string } } } };
}

const fileOf = (m: OutboxMessage): string =>
  [`From: ${m.from}`, `To: ${m.to.join(', ')}`, `Subject: ${m.subject}`, `Date: ${m.receivedAt}`, '', m.text].join('\n');

/** A message read back from its file (a run before this one kept it): the headers `fileOf` wrote, then the text. */
const messageOfFile = (messageId: string, file: string): OutboxMessage => {
  const split = file.indexOf('\n\n');
  const head = new Map(file.slice(0, split).split('\n').map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)] as const));
  return {
    messageId,
    from: head.get('From') ?? '',
    to: (head.get('To') ?? '').split(', '),
    subject: head.get('Subject') ?? '',
    text: file.slice(split + 2),
    receivedAt: head.get('Date') ?? '',
  };
};

export const startLocalSes = async (options: LocalSesOptions = {}): Promise<LocalSes> => {
  const messages: OutboxMessage[] = [];
  let requests = 0;
  const outbox = options.dataDir ? path.join(options.dataDir, 'outbox') : undefined;
  if (outbox) await fs.mkdir(outbox, { recursive: true, mode: 0o700 });

  const answer = (res: http.ServerResponse, status: number, body: unknown, type?: string) => {
    res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-requestid': randomUUID(), ...(type ? { 'x-amzn-errortype': type } : {}) });
    res.end(JSON.stringify(body));
  };

  /** A kept message by id: in memory, or from the outbox folder, whose file names end with `-<id>.txt`. */
  const findMessage = async (messageId: string): Promise<OutboxMessage | undefined> => {
    const kept = messages.find((m) => m.messageId === messageId);
    if (kept || !outbox) return kept;
    const name = (await fs.readdir(outbox)).find((n) => n.endsWith(`-${messageId}.txt`));
    return name ? messageOfFile(messageId, await fs.readFile(path.join(outbox, name), 'utf8')) : undefined;
  };

  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      void (async () => {
        const url = req.url?.split('?')[0] ?? '';
        if (req.method === 'GET' && url.startsWith(OUTBOX_READ_PATH)) {
          const messageId = url.slice(OUTBOX_READ_PATH.length);
          if (!OUTBOX_MESSAGE_ID.test(messageId)) return answer(res, 400, { message: 'expected a message id this outbox gave' }, 'BadRequestException');
          const message = await findMessage(messageId);
          return message ? answer(res, 200, message) : answer(res, 404, { message: 'no such message in the outbox' }, 'NotFoundException');
        }
        if (req.method !== 'POST' || req.url?.split('?')[0] !== SEND_PATH) return answer(res, 404, { message: `${req.method} ${req.url} is not supported locally` }, 'NotFoundException');
        if (!String(req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256 ')) return answer(res, 403, { message: 'Missing Authentication Token' }, 'MissingAuthenticationTokenException');
        requests++;
        let body: SendEmailBody;
        try {
          body = JSON.parse(Buffer.concat(parts).toString('utf8')) as SendEmailBody;
        } catch {
          return answer(res, 400, { message: 'Malformed JSON' }, 'BadRequestException');
        }
        const to = body.Destination?.ToAddresses ?? [];
        const simple = body.Content?.Simple;
        if (!body.FromEmailAddress || to.length === 0 || !simple?.Subject?.Data || (!simple.Body?.Text?.Data && !simple.Body?.Html?.Data)) {
          return answer(res, 400, { message: 'FromEmailAddress, Destination.ToAddresses and Content.Simple (subject and a body) are required' }, 'BadRequestException');
        }
        const refusal = options.refuse?.({ to, subject: simple.Subject.Data });
        if (refusal) return answer(res, refusal.status, { message: refusal.message }, refusal.type);
        const message: OutboxMessage = {
          messageId: `local-${randomUUID()}`,
          from: body.FromEmailAddress,
          ...(body.FromEmailAddressIdentityArn ? { fromIdentityArn: body.FromEmailAddressIdentityArn } : {}),
          to,
          subject: simple.Subject.Data,
          text: simple.Body?.Text?.Data ?? '',
          ...(simple.Body?.Html?.Data ? { html: simple.Body.Html.Data } : {}),
          receivedAt: new Date().toISOString(),
        };
        messages.push(message);
        if (outbox) await fs.writeFile(path.join(outbox, `${message.receivedAt.replace(/[:.]/g, '-')}-${message.messageId}.txt`), fileOf(message), { mode: 0o600 });
        options.onMail?.(message);
        answer(res, 200, { MessageId: message.messageId });
      })().catch((err: unknown) => answer(res, 500, { message: err instanceof Error ? err.message : 'outbox failure' }, 'InternalFailure'));
    });
  });
  const listening = await listenOnLoopback(server);
  return {
    url: listening.url,
    messages,
    get requests() { return requests; },
    stop: () => listening.stop(),
  };
};
