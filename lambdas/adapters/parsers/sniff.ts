/** What a file's bytes say it is, whatever its declared type says. */

export type SniffedKind = 'pdf' | 'zip' | 'ole' | 'image' | 'binary' | 'text';

const startsWith = (bytes: Uint8Array, signature: readonly number[]): boolean =>
  signature.every((b, i) => bytes[i] === b);

const SIGNATURES: ReadonlyArray<[SniffedKind, readonly number[]]> = [
  ['pdf', [0x25, 0x50, 0x44, 0x46]], // %PDF
  ['zip', [0x50, 0x4b, 0x03, 0x04]], // PK.. (DOCX, XLSX, ZIP)
  ['image', [0x89, 0x50, 0x4e, 0x47]], // PNG
  ['image', [0xff, 0xd8, 0xff]], // JPEG
  ['image', [0x47, 0x49, 0x46, 0x38]], // GIF8
  ['binary', [0x1f, 0x8b]], // gzip
  ['ole', [0xd0, 0xcf, 0x11, 0xe0]], // legacy Office, or a password-protected Office file
];

/** Text means valid UTF-8 (a BOM allowed) without NUL bytes. */
export const sniff = (bytes: Uint8Array): SniffedKind => {
  for (const [kind, signature] of SIGNATURES) if (startsWith(bytes, signature)) return kind;
  if (bytes.includes(0)) return 'binary';
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return 'text';
  } catch {
    return 'binary';
  }
};

export const describeKind = (kind: SniffedKind): string =>
  ({ pdf: 'a PDF', zip: 'a ZIP or Office file', ole: 'an older or password-protected Office file', image: 'an image', binary: 'a binary file', text: 'text' })[kind];
