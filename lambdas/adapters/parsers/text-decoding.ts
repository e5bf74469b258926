/**
 * Uploaded text into a string: the encoding a byte order mark names, else the
 * one the file or its upload declares (unless its bytes fail it and are valid
 * UTF-8), else UTF-8. A file that cannot be
 * decoded is refused with the reason, never read with replacement characters.
 */
import { UnreadableDocument } from '../../core/errors.ts';

/** How far into an HTML file a `<meta charset>` counts, as in the HTML standard's prescan. */
export const CHARSET_PRESCAN_BYTES = 1_024;

/** What the encodings a byte order mark names are called. */
const BOMS: ReadonlyArray<{ readonly bytes: readonly number[]; readonly encoding: string; readonly name: string }> = [
  { bytes: [0xef, 0xbb, 0xbf], encoding: 'utf-8', name: 'UTF-8' },
  // UTF-32's marks start like UTF-16's: tell them apart first.
  { bytes: [0xff, 0xfe, 0x00, 0x00], encoding: 'utf-32le', name: 'UTF-32' },
  { bytes: [0x00, 0x00, 0xfe, 0xff], encoding: 'utf-32be', name: 'UTF-32' },
  { bytes: [0xff, 0xfe], encoding: 'utf-16le', name: 'UTF-16' },
  { bytes: [0xfe, 0xff], encoding: 'utf-16be', name: 'UTF-16' },
];

/** The encoding a byte order mark at the start names, if any. */
export const bomOf = (bytes: Uint8Array): (typeof BOMS)[number] | undefined =>
  BOMS.find((bom) => bom.bytes.every((b, i) => bytes[i] === b));

const SAVE_AS_UTF8 = 'Save it as UTF-8 text and upload it again.';

const reasons = {
  utf32: `This file is in UTF-32, which Parley does not read. ${SAVE_AS_UTF8}`,
  badBytes: (name: string) => `This file says it is in ${name}, but some of its bytes are not valid ${name}. ${SAVE_AS_UTF8}`,
  unknownLabel: (label: string) => `This file says its text is in "${label}", an encoding Parley does not know, and it is not valid UTF-8 either. ${SAVE_AS_UTF8}`,
  undeclared: `This file is not valid UTF-8 and does not say which encoding it uses, or it is a binary file. ${SAVE_AS_UTF8}`,
} as const;

const CHARSET_PARAM = /charset\s*=\s*["']?([\w.:-]+)/i;
// <meta charset="x"> and <meta http-equiv="Content-Type" content="text/html; charset=x">.
const META_CHARSET = /<meta\b[^>]*?\bcharset\s*=\s*["']?([\w.:-]+)/i;
const XML_ENCODING = /^<\?xml\b[^>]*?\bencoding\s*=\s*["']([\w.:-]+)["']/i;

/** What a decoder for `label` is called, or undefined when the label names no encoding TextDecoder knows. */
const encodingOf = (label: string): string | undefined => {
  try {
    return new TextDecoder(label).encoding;
  } catch {
    return undefined;
  }
};

/** The charset named in the upload's Content-Type, or in the file's own first bytes (HTML meta, XML declaration). */
const declaredLabel = (bytes: Uint8Array, contentType: string, html: boolean): string | undefined => {
  const fromType = CHARSET_PARAM.exec(contentType)?.[1];
  if (fromType) return fromType;
  // Latin-1 maps every byte to one character: ASCII markup reads the same in any ASCII-compatible encoding.
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, CHARSET_PRESCAN_BYTES));
  return XML_ENCODING.exec(head)?.[1] ?? (html ? META_CHARSET.exec(head)?.[1] : undefined);
};

const decodeStrictly = (bytes: Uint8Array, encoding: string): string | undefined => {
  try {
    return new TextDecoder(encoding, { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return undefined;
  }
};

export interface DecodeOptions {
  /** The upload's declared type; a `charset` parameter in it counts as a declaration. */
  readonly contentType: string;
  /** Whether a `<meta charset>` in the first kilobyte counts (HTML files). */
  readonly html: boolean;
}

/**
 * Decodes an uploaded text file. Offsets into the result are what parsers
 * use: the byte order mark is dropped and line endings become `\n`. Throws
 * `UnreadableDocument` with an owner-readable reason when it cannot.
 */
export const decodeUploadedText = (bytes: Uint8Array, { contentType, html }: DecodeOptions): string => {
  const normalise = (text: string): string => text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const bom = bomOf(bytes);
  if (bom) {
    if (bom.name === 'UTF-32') throw new UnreadableDocument(reasons.utf32);
    const text = decodeStrictly(bytes, bom.encoding);
    if (text === undefined) throw new UnreadableDocument(reasons.badBytes(bom.name));
    return normalise(text);
  }
  // Without a byte order mark, NUL bytes mean a binary file (or UTF-16 that says nothing of itself).
  if (bytes.includes(0)) throw new UnreadableDocument(reasons.undeclared);

  const label = declaredLabel(bytes, contentType, html);
  let encoding = label === undefined ? undefined : encodingOf(label);
  // A page that calls itself UTF-16 without a mark is ASCII-compatible, as the HTML standard says.
  if (encoding === 'utf-16le' || encoding === 'utf-16be') encoding = 'utf-8';
  if (encoding) {
    // A page saved again as UTF-8 often keeps its old declaration: bytes that fail it but are valid UTF-8 are UTF-8.
    const text = decodeStrictly(bytes, encoding) ?? decodeStrictly(bytes, 'utf-8');
    if (text === undefined) throw new UnreadableDocument(reasons.badBytes(label!));
    return normalise(text);
  }
  const text = decodeStrictly(bytes, 'utf-8');
  if (text !== undefined) return normalise(text);
  throw new UnreadableDocument(label === undefined ? reasons.undeclared : reasons.unknownLabel(label));
};
