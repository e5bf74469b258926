/**
 * A fake AWS KMS for tests: one loopback HTTP server that speaks KMS's JSON 1.1
 * wire format (`X-Amz-Target: TrentService.<Action>`) closely enough for the real
 * `@aws-sdk/client-kms`, and so the Encryption SDK's KMS keyring, to run against
 * it. Point a client at {@link FakeKms.url} (or set `AWS_ENDPOINT_URL_KMS`).
 *
 * Like KMS, it binds the encryption context into each ciphertext: `Decrypt` with
 * any other context, or naming another key, answers `InvalidCiphertextException`
 * / `IncorrectKeyException`. Keys are made on first use for any key ARN; an alias
 * or key id that is not an ARN answers `NotFoundException`. Signatures are not
 * checked, only that the request is signed.
 *
 * Serves `GenerateDataKey`, `Encrypt` and `Decrypt`, what the keyring calls.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface KmsCall {
  readonly action: string;
  readonly keyId: string | undefined;
  readonly encryptionContext: Readonly<Record<string, string>> | undefined;
}

export interface FakeKms {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Every call received, oldest first. */
  readonly calls: KmsCall[];
  close(): Promise<void>;
}

const ARN = /^arn:aws:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;
const IV_BYTES = 12;
const TAG_BYTES = 16;

class KmsError extends Error {
  readonly type: string;
  constructor(type: string, message: string) {
    super(message);
    this.type = type;
  }
}

/** The context as KMS binds it: order does not matter, every key and value does. */
const contextBytes = (context: Record<string, string> | undefined) =>
  Buffer.from(JSON.stringify(Object.entries(context ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));

export const startFakeKms = async (): Promise<FakeKms> => {
  const keys = new Map<string, Buffer>();
  const calls: KmsCall[] = [];
  const keyFor = (keyId: unknown): { arn: string; key: Buffer } => {
    if (typeof keyId !== 'string' || !ARN.test(keyId)) throw new KmsError('NotFoundException', `Invalid keyId ${String(keyId)}`);
    let key = keys.get(keyId);
    if (!key) keys.set(keyId, (key = randomBytes(32)));
    return { arn: keyId, key };
  };

  // Ciphertext blob: u16 length of the key ARN, the ARN, IV, ciphertext, tag; context and ARN authenticated.
  const wrap = (arn: string, key: Buffer, plaintext: Buffer, context: Record<string, string> | undefined) => {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.concat([Buffer.from(arn), contextBytes(context)]));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const name = Buffer.from(arn);
    const length = Buffer.alloc(2);
    length.writeUInt16BE(name.length);
    return Buffer.concat([length, name, iv, body, cipher.getAuthTag()]);
  };

  const unwrap = (blob: Buffer, context: Record<string, string> | undefined, expectedKeyId: unknown) => {
    const invalid = () => new KmsError('InvalidCiphertextException', '');
    if (blob.length < 2) throw invalid();
    const nameLength = blob.readUInt16BE(0);
    if (blob.length < 2 + nameLength + IV_BYTES + TAG_BYTES) throw invalid();
    const arn = blob.subarray(2, 2 + nameLength).toString();
    const key = keys.get(arn);
    if (!key) throw invalid();
    if (expectedKeyId !== undefined && expectedKeyId !== arn) throw new KmsError('IncorrectKeyException', 'The key ID in the request does not identify a CMK that can perform this operation.');
    const at = 2 + nameLength;
    const decipher = createDecipheriv('aes-256-gcm', key, blob.subarray(at, at + IV_BYTES));
    decipher.setAAD(Buffer.concat([Buffer.from(arn), contextBytes(context)]));
    decipher.setAuthTag(blob.subarray(blob.length - TAG_BYTES));
    try {
      return { arn, plaintext: Buffer.concat([decipher.update(blob.subarray(at + IV_BYTES, blob.length - TAG_BYTES)), decipher.final()]) };
    } catch {
      throw invalid();
    }
  };

  const handle = (action: string, body: Record<string, unknown>): Record<string, unknown> => {
    const context = body.EncryptionContext as Record<string, string> | undefined;
    calls.push({ action, keyId: typeof body.KeyId === 'string' ? body.KeyId : undefined, encryptionContext: context });
    switch (action) {
      case 'GenerateDataKey': {
        const { arn, key } = keyFor(body.KeyId);
        const bytes = typeof body.NumberOfBytes === 'number' ? body.NumberOfBytes : body.KeySpec === 'AES_128' ? 16 : 32;
        const plaintext = randomBytes(bytes);
        return { KeyId: arn, Plaintext: plaintext.toString('base64'), CiphertextBlob: wrap(arn, key, plaintext, context).toString('base64') };
      }
      case 'Encrypt': {
        const { arn, key } = keyFor(body.KeyId);
        return { KeyId: arn, CiphertextBlob: wrap(arn, key, Buffer.from(String(body.Plaintext), 'base64'), context).toString('base64'), EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
      }
      case 'Decrypt': {
        const { arn, plaintext } = unwrap(Buffer.from(String(body.CiphertextBlob), 'base64'), context, body.KeyId);
        return { KeyId: arn, Plaintext: plaintext.toString('base64'), EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
      }
      default:
        throw new KmsError('UnknownOperationException', `${action} is not served by the fake KMS`);
    }
  };

  const answer = (res: ServerResponse, status: number, body: unknown, errorType?: string) => {
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', ...(errorType ? { 'x-amzn-errortype': errorType } : {}) });
    res.end(JSON.stringify(body));
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      if (req.method !== 'POST' || !target.startsWith('TrentService.')) return answer(res, 400, { __type: 'UnknownOperationException' }, 'UnknownOperationException');
      if (!String(req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256 ')) return answer(res, 400, { __type: 'MissingAuthenticationTokenException' }, 'MissingAuthenticationTokenException');
      try {
        answer(res, 200, handle(target.slice('TrentService.'.length), JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>));
      } catch (err) {
        if (!(err instanceof KmsError)) throw err;
        answer(res, 400, { __type: err.type, ...(err.message ? { message: err.message } : {}) }, err.type);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
};
