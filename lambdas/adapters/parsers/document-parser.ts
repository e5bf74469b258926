/** Chooses a parser by declared type, after checking the bytes agree with it. */
import { UnreadableDocument } from '../../core/errors.ts';
import { UPLOAD_TYPES } from '../../core/limits.ts';
import type { DocumentParser } from '../../core/ports.ts';
import { describeKind, sniff } from './sniff.ts';
import { parseText } from './text-parser.ts';

export const createDocumentParser = (): DocumentParser => ({
  async parse(bytes, contentType, name) {
    const declared = UPLOAD_TYPES[contentType];
    if (!declared) throw new UnreadableDocument(`Files of type ${contentType} are not supported.`);
    const kind = sniff(bytes);
    if (kind !== 'text') {
      throw new UnreadableDocument(`This file was declared as ${contentType}, but its contents look like ${describeKind(kind)}.`);
    }
    // Strip a UTF-8 byte order mark and normalise line endings; offsets refer to this text.
    const text = new TextDecoder('utf-8').decode(bytes).replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
    return parseText(text, name, declared.kind === 'markdown');
  },
});
