/**
 * Word (.docx) into blocks: paragraphs, headings from paragraph styles, list
 * items with their markers and nesting ("  b) …"), tables as one line per row,
 * and footnotes and endnotes (comments if asked) after the section that cites
 * them, marked where they are cited ("[1]", "[i]").
 *
 * A DOCX is a ZIP whose entries may claim any size, so nothing is unpacked
 * blindly: only the few parts needed are read, each entry's declared size is
 * checked against the budget first, and the budget is enforced again while
 * inflating (in small slices, so a lying entry is stopped within a few MB of the
 * limit), and each part's size and CRC are checked afterwards.
 */
import { Inflate } from 'fflate';
import { crc32 } from 'node:zlib';
import { UnreadableDocument } from '../../core/errors.ts';
import type { ParsedDocument } from '../../core/records.ts';
import { readNotes, type NoteKind } from './docx-notes.ts';
import { ListNumbering, toRoman } from './docx-numbering.ts';
import { readRelationships, wordPrefixOf } from './docx-xml.ts';
import { assembleDocument, scanMarkup, titleFromName, type Piece } from './markup.ts';

export interface DocxLimits {
  /** Most bytes the parts read may expand to, together. @default 50 MB */
  readonly maxUncompressedBytes?: number;
}

export interface DocxOptions extends DocxLimits {
  /** Reviewers' comments are read too, after the section they are in. @default false */
  readonly includeComments?: boolean;
}

const DEFAULT_MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024;

/** Compressed bytes handed to the inflater at a time; DEFLATE expands at most ~1032×, so ≤ ~8.5 MB per step. */
const INFLATE_SLICE = 8 * 1024;

const DAMAGED = 'This Word file is damaged and cannot be read. Open it in Word, save it again and upload the new copy.';
const PASSWORD_PROTECTED =
  'This Word file is password-protected. Remove the password in Word (File › Info › Protect Document › Encrypt with Password), save it and upload it again.';
const LEGACY_DOC = 'This is an old Word (.doc) file: save it as .docx and upload it again.';
const OTHER_OLE = 'This is an old Office file, not a Word (.docx) document: open it, save it as .docx and upload it again.';
const RTF = 'This is a Rich Text (.rtf) file, not a Word (.docx) document: open it in Word, save it as .docx and upload it again.';
const NOT_WORD = 'This file is a ZIP archive but not a Word (.docx) document.';
const formatBytes = (n: number): string =>
  n >= 1024 * 1024 ? `${+(n / (1024 * 1024)).toFixed(1)} MB` : n >= 1024 ? `${+(n / 1024).toFixed(1)} KB` : `${n} bytes`;
const tooLarge = (limit: number) =>
  `This Word file expands to more than ${formatBytes(limit)} when unpacked, more than can be read. Split it into smaller documents and upload them again.`;

// ---------------------------------------------------------------------------
// Container

const OLE_SIGNATURE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const startsWith = (bytes: Uint8Array, signature: readonly number[]) => signature.every((b, i) => bytes[i] === b);

/** UTF-16LE, as OLE directory entries name their streams. */
const containsUtf16 = (bytes: Uint8Array, value: string): boolean =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes(Buffer.from(value, 'utf16le'));

/** Encrypted DOCX files, like legacy .doc files, are OLE compound files; their stream names tell them apart. */
const refuseNonZip = (bytes: Uint8Array, name: string): never => {
  if (startsWith(bytes, OLE_SIGNATURE)) {
    if (containsUtf16(bytes, 'EncryptedPackage')) throw new UnreadableDocument(PASSWORD_PROTECTED);
    if (containsUtf16(bytes, 'WordDocument') || /\.doc$/i.test(name)) throw new UnreadableDocument(LEGACY_DOC);
    throw new UnreadableDocument(OTHER_OLE);
  }
  if (startsWith(bytes, [0x7b, 0x5c, 0x72, 0x74, 0x66])) throw new UnreadableDocument(RTF); // {\rtf
  throw new UnreadableDocument(DAMAGED);
};

interface ZipEntry {
  readonly name: string;
  readonly flags: number;
  readonly method: number;
  readonly crc: number;
  readonly compressedSize: number;
  /** As declared in the central directory: a claim, not a fact. */
  readonly size: number;
  readonly localOffset: number;
}

const damaged = (): never => {
  throw new UnreadableDocument(DAMAGED);
};

/** Reads the central directory (ZIP64 included). Entries are keyed by lower-cased name: OPC part names ignore case. */
const readDirectory = (bytes: Uint8Array): Map<string, ZipEntry> => {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (at: number) => (at + 2 <= bytes.length ? view.getUint16(at, true) : damaged());
  const u32 = (at: number) => (at + 4 <= bytes.length ? view.getUint32(at, true) : damaged());
  const u64 = (at: number) => {
    if (at + 8 > bytes.length) return damaged();
    const value = view.getBigUint64(at, true);
    return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : damaged();
  };

  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return damaged();
  let count = u16(eocd + 10);
  let offset = u32(eocd + 16);
  if (eocd >= 20 && u32(eocd - 20) === 0x07064b50) {
    const zip64 = u64(eocd - 12);
    if (u32(zip64) !== 0x06064b50) return damaged();
    count = u64(zip64 + 32);
    offset = u64(zip64 + 48);
  }

  const entries = new Map<string, ZipEntry>();
  const decoder = new TextDecoder('utf-8');
  for (let i = 0; i < count; i++) {
    if (u32(offset) !== 0x02014b50) return damaged();
    const nameLength = u16(offset + 28);
    const extraLength = u16(offset + 30);
    const commentLength = u16(offset + 32);
    const nameEnd = offset + 46 + nameLength;
    if (nameEnd + extraLength > bytes.length) return damaged();
    let compressedSize = u32(offset + 20);
    let size = u32(offset + 24);
    let localOffset = u32(offset + 42);
    // ZIP64: saturated fields continue in the 0x0001 extra field, in this order.
    for (let at = nameEnd; at + 4 <= nameEnd + extraLength; at += 4 + u16(at + 2)) {
      if (u16(at) !== 0x0001) continue;
      let field = at + 4;
      if (size === 0xffffffff) {
        size = u64(field);
        field += 8;
      }
      if (compressedSize === 0xffffffff) {
        compressedSize = u64(field);
        field += 8;
      }
      if (localOffset === 0xffffffff) localOffset = u64(field);
    }
    const name = decoder.decode(bytes.subarray(offset + 46, nameEnd));
    entries.set(name.toLowerCase(), {
      name,
      flags: u16(offset + 8),
      method: u16(offset + 10),
      crc: u32(offset + 16),
      compressedSize,
      size,
      localOffset,
    });
    offset = nameEnd + extraLength + commentLength;
  }
  return entries;
};

class OverBudget extends Error {}

/** Unpacks parts, all of them together within `limit` bytes whatever their entries claim. */
const createPartReader = (bytes: Uint8Array, entries: ReadonlyMap<string, ZipEntry>, limit: number) => {
  let used = 0;

  const inflate = (data: Uint8Array, budget: number): Uint8Array[] => {
    const chunks: Uint8Array[] = [];
    let total = 0;
    const inflater = new Inflate((chunk) => {
      total += chunk.length;
      if (total > budget) throw new OverBudget();
      chunks.push(chunk);
    });
    if (data.length === 0) inflater.push(data, true);
    for (let at = 0; at < data.length; at += INFLATE_SLICE) {
      inflater.push(data.subarray(at, at + INFLATE_SLICE), at + INFLATE_SLICE >= data.length);
    }
    return chunks;
  };

  return (path: string): string | undefined => {
    const entry = entries.get(path.toLowerCase());
    if (!entry) return undefined;
    if (entry.flags & 1) throw new UnreadableDocument(PASSWORD_PROTECTED);
    const budget = limit - used;
    if (entry.size > budget) throw new UnreadableDocument(tooLarge(limit));
    const local = entry.localOffset;
    if (local + 30 > bytes.length || new DataView(bytes.buffer, bytes.byteOffset + local, 30).getUint32(0, true) !== 0x04034b50) {
      return damaged();
    }
    const header = new DataView(bytes.buffer, bytes.byteOffset + local, 30);
    const dataStart = local + 30 + header.getUint16(26, true) + header.getUint16(28, true);
    if (dataStart + entry.compressedSize > bytes.length) return damaged();
    const data = bytes.subarray(dataStart, dataStart + entry.compressedSize);

    let chunks: Uint8Array[];
    if (entry.method === 0) {
      if (data.length > budget) throw new UnreadableDocument(tooLarge(limit));
      chunks = [data];
    } else if (entry.method === 8) {
      try {
        chunks = inflate(data, budget);
      } catch (err) {
        if (err instanceof OverBudget) throw new UnreadableDocument(tooLarge(limit));
        return damaged();
      }
    } else {
      return damaged();
    }
    const total = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
    if (total !== entry.size) return damaged();
    if (chunks.reduce((crc, chunk) => crc32(chunk, crc), 0) !== entry.crc) return damaged();
    used += total;
    const decoder = new TextDecoder('utf-8');
    return chunks.map((chunk) => decoder.decode(chunk, { stream: true })).join('') + decoder.decode();
  };
};

// ---------------------------------------------------------------------------
// WordprocessingML

/** Heading level of a paragraph style, from its id ("Heading2", "Title") when styles.xml says nothing. */
const levelFromStyleId = (styleId: string): number | undefined => {
  const heading = /^heading\s*([1-6])$/i.exec(styleId);
  if (heading) return Number(heading[1]);
  return /^title$/i.test(styleId) ? 1 : undefined;
};

/** A list a paragraph style puts its paragraphs in (Word's "List Number" and "List Bullet" styles). */
interface ListRef { readonly numId: string; readonly ilvl: number }

interface Styles {
  /** Heading level by paragraph style id; 0 when not a heading. */
  readonly headings: ReadonlyMap<string, number>;
  /** The list a paragraph style numbers its paragraphs in, through `basedOn`. */
  readonly lists: ReadonlyMap<string, ListRef>;
}

/**
 * Heading levels and lists by paragraph style id, from styles.xml: style names
 * are language-independent ("heading 1" even where the id is "berschrift1"),
 * and outline levels and numbering carry through `basedOn`.
 */
const readStyles = (xml: string | undefined): Styles => {
  const levels = new Map<string, number>();
  const lists = new Map<string, ListRef>();
  if (!xml) return { headings: levels, lists };
  interface Style { name?: string; outline?: number; basedOn?: string; numId?: string; ilvl?: number }
  const styles = new Map<string, Style>();
  let w = 'w:';
  let current: Style | undefined;
  let first = true;
  let inParagraphProperties = false;
  scanMarkup(xml, 'xml', {
    open(tag, attributes) {
      if (first) {
        w = wordPrefixOf(attributes);
        first = false;
      }
      const val = attributes.get(`${w}val`);
      if (tag === `${w}pPr`) inParagraphProperties = true;
      if (tag === `${w}style`) {
        current = attributes.get(`${w}type`) === 'paragraph' ? {} : undefined;
        const id = attributes.get(`${w}styleId`);
        if (current && id) styles.set(id, current);
      } else if (!current || val === undefined) {
        return;
      } else if (tag === `${w}name`) {
        current.name = val;
      } else if (tag === `${w}basedOn`) {
        current.basedOn = val;
      } else if (tag === `${w}outlineLvl` && inParagraphProperties) {
        current.outline = Number(val);
      } else if (tag === `${w}numId` && inParagraphProperties) {
        current.numId = val;
      } else if (tag === `${w}ilvl` && inParagraphProperties) {
        current.ilvl = Number(val) || 0;
      }
    },
    close(tag) {
      if (tag === `${w}style`) current = undefined;
      if (tag === `${w}pPr`) inParagraphProperties = false;
    },
    text() {},
  });
  for (const id of styles.keys()) {
    let style = styles.get(id);
    for (let hops = 0; style && hops < 10; hops++) {
      const byName = /^heading ([1-6])$/i.exec(style.name ?? '');
      const level = byName ? Number(byName[1]) : /^title$/i.test(style.name ?? '') ? 1 : style.outline !== undefined && style.outline <= 5 ? style.outline + 1 : undefined;
      if (level) {
        levels.set(id, level);
        break;
      }
      if (style.outline !== undefined) break; // an explicit body-text outline level
      style = style.basedOn ? styles.get(style.basedOn) : undefined;
    }
    if (!levels.has(id)) levels.set(id, 0);
    style = styles.get(id);
    for (let hops = 0; style && hops < 10; hops++) {
      if (style.numId !== undefined) {
        if (style.numId !== '0') lists.set(id, { numId: style.numId, ilvl: style.ilvl ?? 0 });
        break;
      }
      style = style.basedOn ? styles.get(style.basedOn) : undefined;
    }
  }
  return { headings: levels, lists };
};

interface Paragraph { parts: string[]; styleId?: string; outline?: number; numId?: string; ilvl?: number; notes: string[] }

/** What the body reader needs besides the body: styles, list definitions and the notes it may cite. */
interface BodyContext {
  readonly styles: Styles;
  readonly numbering: ListNumbering;
  readonly notes: ReadonlyMap<NoteKind, ReadonlyMap<string, string>>;
}

/** How a note is marked where it is cited and where its text is placed: footnotes 1, 2…; endnotes i, ii… as Word numbers them. */
const noteMark = (kind: NoteKind, n: number): string =>
  kind === 'footnote' ? `[${n}]` : kind === 'endnote' ? `[${toRoman(n)}]` : `[comment ${n}]`;

const REFERENCE_KINDS: ReadonlyArray<[string, NoteKind]> = [['footnoteReference', 'footnote'], ['endnoteReference', 'endnote'], ['commentReference', 'comment']];

/**
 * Paragraphs in document order; table rows become one paragraph with cells
 * joined by " | "; list items start with their marker, indented by level; the
 * notes a section cites follow it, before the next heading.
 */
const readBody = (xml: string, { styles, numbering, notes }: BodyContext): Piece[] => {
  const pieces: Piece[] = [];
  const path: string[] = [];
  const paragraphs: Paragraph[] = [];
  /** Cells of the open row of the outermost table; a nested table's text joins the outer cell. */
  let row: string[] | undefined;
  let tableDepth = 0;
  let skipped = 0;
  let w = 'w:';
  let first = true;
  /** Notes cited since the last heading, as their paragraphs. */
  let sectionNotes: string[] = [];
  const noteCounts = new Map<NoteKind, number>();
  const references = new Map<string, NoteKind>();

  const flushNotes = () => {
    for (const note of sectionNotes) pieces.push({ kind: 'paragraph', text: note });
    sectionNotes = [];
  };
  const append = (value: string) => {
    const paragraph = paragraphs[paragraphs.length - 1];
    if (paragraph && !skipped) paragraph.parts.push(value);
  };
  const cite = (kind: NoteKind, id: string | undefined) => {
    const paragraph = paragraphs[paragraphs.length - 1];
    const text = id === undefined ? undefined : notes.get(kind)?.get(id);
    if (!paragraph || text === undefined) return;
    const n = (noteCounts.get(kind) ?? 0) + 1;
    noteCounts.set(kind, n);
    const mark = noteMark(kind, n);
    paragraph.parts.push(mark);
    paragraph.notes.push(`${mark} ${text}`);
  };
  const endParagraph = (paragraph: Paragraph) => {
    const value = paragraph.parts.join('').replace(/[ \t]*\n[ \t]*/g, '\n').trim();
    if (!value) return;
    const styleList = paragraph.styleId !== undefined ? styles.lists.get(paragraph.styleId) : undefined;
    const numId = paragraph.numId ?? styleList?.numId;
    const level =
      paragraph.outline !== undefined && paragraph.outline <= 5
        ? paragraph.outline + 1
        : paragraph.styleId !== undefined
          ? (styles.headings.get(paragraph.styleId) ?? levelFromStyleId(paragraph.styleId)) || undefined
          : undefined;
    // Numbered headings keep their plain text: it names the section in citations.
    const marker = !level && numId !== undefined && numId !== '0' ? numbering.next(numId, paragraph.ilvl ?? styleList?.ilvl ?? 0) : '';
    if (tableDepth > 0 && row) {
      const line = `${marker.trimStart()}${value.replace(/\s*\n\s*/g, ' ')}`;
      const cell = row.pop();
      row.push(cell ? `${cell} ${line}` : line);
      sectionNotes.push(...paragraph.notes);
      return;
    }
    if (level) {
      flushNotes();
      pieces.push({ kind: 'heading', text: value.replace(/\s*\n\s*/g, ' '), level });
    } else {
      pieces.push({ kind: 'paragraph', text: `${marker}${value}` });
    }
    sectionNotes.push(...paragraph.notes);
  };

  scanMarkup(xml, 'xml', {
    open(tag, attributes) {
      if (first) {
        w = wordPrefixOf(attributes);
        for (const [name, kind] of REFERENCE_KINDS) references.set(`${w}${name}`, kind);
        first = false;
      }
      const parent = path[path.length - 1];
      path.push(tag);
      // Tracked moves keep the old copy in moveFrom; AlternateContent repeats itself in Fallback.
      if (skipped || tag === `${w}moveFrom` || tag.endsWith(':Fallback')) {
        skipped++;
        return;
      }
      const paragraph = paragraphs[paragraphs.length - 1];
      switch (tag) {
        case `${w}p`:
          paragraphs.push({ parts: [], notes: [] });
          return;
        case `${w}tbl`:
          tableDepth++;
          return;
        case `${w}tr`:
          if (tableDepth === 1) row = [];
          return;
        case `${w}tc`:
          if (tableDepth === 1) row?.push('');
          return;
        case `${w}pStyle`:
          if (paragraph && parent === `${w}pPr`) paragraph.styleId = attributes.get(`${w}val`) ?? '';
          return;
        case `${w}outlineLvl`:
          if (paragraph && parent === `${w}pPr`) paragraph.outline = Number(attributes.get(`${w}val`));
          return;
        case `${w}numId`:
          if (paragraph && parent === `${w}numPr`) paragraph.numId = attributes.get(`${w}val`) ?? '0';
          return;
        case `${w}ilvl`:
          if (paragraph && parent === `${w}numPr`) paragraph.ilvl = Number(attributes.get(`${w}val`)) || 0;
          return;
      }
      if (parent !== `${w}r`) return;
      const reference = references.get(tag);
      if (reference) cite(reference, attributes.get(`${w}id`));
      else if (tag === `${w}tab`) append('\t');
      else if (tag === `${w}br` || tag === `${w}cr`) append('\n');
      else if (tag === `${w}noBreakHyphen`) append('-');
    },
    close(tag) {
      path.pop();
      if (skipped) {
        skipped--;
        return;
      }
      if (tag === `${w}p`) {
        const paragraph = paragraphs.pop();
        if (paragraph) endParagraph(paragraph);
      } else if (tag === `${w}tbl`) {
        tableDepth--;
      } else if (tag === `${w}tr` && tableDepth === 1) {
        if (row?.some(Boolean)) pieces.push({ kind: 'paragraph', text: row.join(' | ') });
        row = undefined;
      }
    },
    text(value) {
      if (path[path.length - 1] === `${w}t`) append(value);
    },
  });
  flushNotes();
  return pieces;
};

/** The document's title from docProps/core.xml (`dc:title`). */
const readCoreTitle = (xml: string | undefined): string | undefined => {
  if (!xml) return undefined;
  let inTitle = false;
  const parts: string[] = [];
  scanMarkup(xml, 'xml', {
    open(tag) {
      inTitle = tag === 'dc:title' || tag.endsWith(':title');
    },
    close() {
      inTitle = false;
    },
    text(value) {
      if (inTitle) parts.push(value);
    },
  });
  return parts.join('').replace(/\s+/g, ' ').trim() || undefined;
};

/** Where the package says its main document is (usually word/document.xml). */
const mainDocumentPath = (relationships: string | undefined): string =>
  readRelationships(relationships, '').get('officeDocument') ?? 'word/document.xml';

/**
 * Parses a Word (.docx) file. Throws `UnreadableDocument` with a reason the
 * owner can act on: damaged, password-protected, legacy .doc, or expanding past
 * `limits.maxUncompressedBytes` (50 MB by default).
 */
export const parseDocx = (bytes: Uint8Array, name: string, options?: DocxOptions): ParsedDocument => {
  const limit = options?.maxUncompressedBytes ?? DEFAULT_MAX_UNCOMPRESSED_BYTES;
  if (!startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return refuseNonZip(bytes, name);
  const read = createPartReader(bytes, readDirectory(bytes), limit);

  const mainPath = mainDocumentPath(read('_rels/.rels'));
  const body = read(mainPath);
  if (body === undefined) throw new UnreadableDocument(NOT_WORD);
  const slash = mainPath.lastIndexOf('/');
  const folder = mainPath.slice(0, slash + 1);
  const parts = readRelationships(read(`${folder}_rels/${mainPath.slice(slash + 1)}.rels`), folder);
  // Word's own part names when the relationships say nothing (hand-made packages).
  const partOf = (type: string) => read(parts.get(type) ?? `${folder}${type}.xml`);
  const notes = new Map<NoteKind, Map<string, string>>([
    ['footnote', readNotes(partOf('footnotes'), 'footnote')],
    ['endnote', readNotes(partOf('endnotes'), 'endnote')],
  ]);
  if (options?.includeComments) notes.set('comment', readNotes(partOf('comments'), 'comment'));
  const pieces = readBody(body, { styles: readStyles(partOf('styles')), numbering: new ListNumbering(partOf('numbering')), notes });
  const title = readCoreTitle(read('docProps/core.xml')) ?? pieces.find((p) => p.kind === 'heading')?.text ?? titleFromName(name);
  return assembleDocument(pieces, title);
};
