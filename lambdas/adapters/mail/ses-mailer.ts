/**
 * E-mail through Amazon SES v2 (`SendEmail`, simple content, a text part only),
 * from the operator's verified sender identity. On AWS the function may send from
 * that identity and no other (`ses:SendEmail` on its ARN); locally the endpoint
 * override points at the outbox on loopback (infra/local/ses-local.ts), which
 * speaks the same wire format. A refusal that retrying cannot mend (a rejected
 * message, an unverified recipient in the SES sandbox) is returned; anything else
 * (throttling, a service error) throws, so the queue tries the event again.
 */
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import type { Mailer } from '../../core/ports.ts';
import { recordAwsCalls } from '../aws/call-log.ts';

export interface SesMailerOptions {
  readonly region: string;
  /** The From address: the identity's address, or an address of its domain. */
  readonly from: string;
  /** The sender identity's ARN, which authorizes the send (and scopes the IAM grant). */
  readonly identityArn?: string | undefined;
  /** Endpoint override: the local outbox. */
  readonly endpoint?: string | undefined;
}

/** SES errors that say this message will never go, however often it is tried. */
const PERMANENT = new Set(['MessageRejected', 'MailFromDomainNotVerifiedException', 'BadRequestException', 'AccountSuspendedException', 'SendingPausedException', 'NotFoundException']);

export const createSesMailer = (opts: SesMailerOptions): Mailer => {
  let client: SESv2Client | undefined;
  return {
    from: opts.from,
    async send(message) {
      const sdk = await import('@aws-sdk/client-sesv2');
      client ??= recordAwsCalls(new sdk.SESv2Client({
        region: opts.region,
        ...(opts.endpoint ? { endpoint: opts.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
      }));
      try {
        const out = await client.send(new sdk.SendEmailCommand({
          FromEmailAddress: opts.from,
          ...(opts.identityArn ? { FromEmailAddressIdentityArn: opts.identityArn } : {}),
          Destination: { ToAddresses: [message.to] },
          Content: {
            Simple: {
              Subject: { Data: message.subject, Charset: 'UTF-8' },
              Body: { Text: { Data: message.text, Charset: 'UTF-8' } },
            },
          },
        }));
        return { ok: true, messageId: out.MessageId ?? '' };
      } catch (err) {
        const name = (err as { name?: unknown }).name;
        if (typeof name === 'string' && PERMANENT.has(name)) return { ok: false, reason: `${name}: ${(err as Error).message}`.slice(0, 300) };
        throw err;
      }
    },
  };
};
