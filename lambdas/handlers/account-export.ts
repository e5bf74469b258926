/**
 * The account-export function: SQS messages `{"parley":"export",accountId,exportId}`
 * from the admin function, one a batch. Each builds the account's export
 * (`core/exports.ts`); a failed one is reported as a partial batch failure, so
 * the queue delivers it again and, after its retries, moves it to the export
 * dead-letter queue, which alarms. It is a function of its own, not part of
 * ingest: it reads every bot, document and conversation of an account and needs
 * neither the document parsers nor the crawler, and its time limit is its own.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { runExport } from '../core/exports.ts';
import { isId } from '../core/ids.ts';
import type { ExportMessage } from '../adapters/sqs/ingest-trigger.ts';
import { getRuntime } from '../adapters/wiring.ts';

const { deps, logger } = getRuntime();

/** The export a message names, or undefined for a message that is not one (dropped: retrying cannot mend it). */
const exportOf = (body: string): { accountId: string; exportId: string } | undefined => {
  try {
    const message = JSON.parse(body) as Partial<ExportMessage>;
    return message.parley === 'export' && isId(message.accountId) && isId(message.exportId)
      ? { accountId: message.accountId, exportId: message.exportId }
      : undefined;
  } catch {
    return undefined;
  }
};

export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    const job = exportOf(record.body);
    if (!job) {
      logger.warn('export message dropped: not an export request', { messageId: record.messageId });
      continue;
    }
    try {
      await runExport(deps, job.accountId, job.exportId);
      logger.info('export built', { messageId: record.messageId, exportId: job.exportId });
    } catch (err) {
      logger.error('export failed', { messageId: record.messageId, exportId: job.exportId, error: err });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
};
