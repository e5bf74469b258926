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

/** How far into a file PDF readers look for the `%PDF-` header (pdf.js, Acrobat): some generators and mail gateways put bytes before it. */
export const PDF_HEADER_WINDOW = 1_024;

const PDF_HEADER = [0x25, 0x50, 0x44, 0x46, 0x2d]; // %PDF-

/** Whether `%PDF-` starts within the first {@link PDF_HEADER_WINDOW} bytes. */
export const hasPdfHeader = (bytes: Uint8Array): boolean => {
  const end = Math.min(bytes.length, PDF_HEADER_WINDOW) - PDF_HEADER.length;
  for (let i = 0; i <= end; i++) if (PDF_HEADER.every((b, k) => bytes[i + k] === b)) return true;
  return false;
};

/** UTF-16 byte order marks: text whose every other byte may be NUL. */
const UTF16_BOMS = [[0xff, 0xfe], [0xfe, 0xff]] as const;

/** Text means valid UTF-8 (a BOM allowed) without NUL bytes, or anything behind a UTF-16 byte order mark. */
export const sniff = (bytes: Uint8Array): SniffedKind => {
  for (const [kind, signature] of SIGNATURES) if (startsWith(bytes, signature)) return kind;
  if (UTF16_BOMS.some((bom) => startsWith(bytes, bom))) return 'text';
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
