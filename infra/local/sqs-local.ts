/**
 * The ingest, account-export and notify queues' SQS endpoint on loopback: answers
 * `SendMessage` in the SQS JSON protocol, so the functions' real SQS client (with
 * an endpoint override) puts re-ingest, crawl and export requests and events on the local queues.
 */
import { createHash, randomUUID } from 'node:crypto';
import http from 'node:http';
import { listenOnLoopback, type Stoppable } from './loopback.ts';

export const LOCAL_INGEST_QUEUE_URL = 'http://127.0.0.1/000000000000/parley-ingest';
export const LOCAL_EXPORT_QUEUE_URL = 'http://127.0.0.1/000000000000/parley-export';
export const LOCAL_NOTIFY_QUEUE_URL = 'http://127.0.0.1/000000000000/parley-notify';

/** The local queues, by the last part of their URL. */
export type LocalQueue = 'parley-ingest' | 'parley-export' | 'parley-notify';
const QUEUES: readonly string[] = ['parley-ingest', 'parley-export', 'parley-notify'] satisfies LocalQueue[];

const sqsError = (res: http.ServerResponse, status: number, type: string, message: string) => {
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-query-error': `${type};Sender` });
  res.end(JSON.stringify({ __type: `com.amazonaws.sqs#${type}`, message }));
};

/** `delaySeconds`: the message's `DelaySeconds` (0 to 900), which the receiver honours. */
export const startLocalSqs = async (onMessage: (body: string, queue: LocalQueue, delaySeconds: number) => void): Promise<Stoppable> => {
  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const target = req.headers['x-amz-target'];
      if (target !== 'AmazonSQS.SendMessage') return sqsError(res, 400, 'UnsupportedOperation', `${String(target)} is not supported locally`);
      let input: { QueueUrl?: string; MessageBody?: string; DelaySeconds?: number };
      try {
        input = JSON.parse(Buffer.concat(parts).toString('utf8')) as typeof input;
      } catch {
        return sqsError(res, 400, 'InvalidParameterValue', 'Malformed JSON');
      }
      const queue = input.QueueUrl?.slice(input.QueueUrl.lastIndexOf('/') + 1);
      if (!queue || !QUEUES.includes(queue)) return sqsError(res, 400, 'QueueDoesNotExist', 'The specified queue does not exist.');
      if (!input.MessageBody) return sqsError(res, 400, 'MissingParameter', 'MessageBody is required');
      const delay = input.DelaySeconds ?? 0;
      if (!Number.isInteger(delay) || delay < 0 || delay > 900) return sqsError(res, 400, 'InvalidParameterValue', 'DelaySeconds must be from 0 to 900');
      onMessage(input.MessageBody, queue as LocalQueue, delay);
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify({ MessageId: randomUUID(), MD5OfMessageBody: createHash('md5').update(input.MessageBody).digest('hex') }));
    });
  });
  return listenOnLoopback(server);
};
