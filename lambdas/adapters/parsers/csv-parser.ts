/**
 * CSV into blocks: one paragraph per data row, written "Header: value; …" so a
 * row retrieved on its own still says what its values are, under a heading of
 * its own ("Row 3", counting data rows from the first under the header) so each
 * row is a passage of its own and its citation names the row.
 *
 * RFC 4180 fields (quotes, doubled quotes, line breaks inside quotes, CRLF),
 * read leniently where spreadsheets are lenient; the delimiter is whichever of
 * `,` `;` and tab gives the first rows a consistent shape.
 */
import { UnreadableDocument } from '../../core/errors.ts';
import type { Block, ParsedDocument } from '../../core/records.ts';

/** Most data rows one CSV file may have. */
export const MAX_CSV_ROWS = 100_000;

const DELIMITERS = [',', ';', '\t'] as const;
type Delimiter = (typeof DELIMITERS)[number];

/** Rows and characters looked at to choose the delimiter. */
const SNIFF_ROWS = 50;
const SNIFF_CHARS = 64 * 1024;

const titleFromName = (name: string): string => name.replace(/\.[^.]+$/, '').replace(/[_-]+/g, ' ').trim() || name;

class UnclosedQuote extends Error {
  /** Where the quoted value starts, in characters. */
  readonly at: number;
  constructor(at: number) {
    super('unclosed quote');
    this.at = at;
  }
}

/**
 * Calls `onRecord` with each record's fields; stops early when it returns false.
 * A quote opens a quoted field only at the start of a field; text after the
 * closing quote is kept, as spreadsheets do. Blank lines are no records. A quoted
 * field that never ends throws `UnclosedQuote`, unless `partial` (a cut sample),
 * where reading just stops. Linear: every character is looked at once.
 */
const readRecords = (text: string, delimiter: Delimiter, onRecord: (fields: string[]) => boolean, partial = false): void => {
  const length = text.length;
  let fields: string[] = [];
  let field = '';
  let started = false;
  let i = 0;
  const endRecord = (): boolean => {
    fields.push(field);
    const record = fields;
    fields = [];
    field = '';
    started = false;
    return record.length === 1 && record[0] === '' ? true : onRecord(record);
  };
  while (i < length) {
    const c = text[i]!;
    if (c === '"' && !started) {
      const opening = i;
      let value = '';
      let from = ++i;
      for (;;) {
        const quote = text.indexOf('"', i);
        if (quote < 0) {
          if (partial) return;
          throw new UnclosedQuote(opening);
        }
        if (text[quote + 1] === '"') {
          value += text.slice(from, quote + 1);
          i = from = quote + 2;
          continue;
        }
        value += text.slice(from, quote);
        i = quote + 1;
        break;
      }
      field = value.replace(/\r\n?/g, '\n');
      started = true;
    } else if (c === delimiter) {
      fields.push(field);
      field = '';
      started = false;
      i++;
    } else if (c === '\n' || c === '\r') {
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      if (!endRecord()) return;
    } else {
      let end = i + 1;
      while (end < length) {
        const d = text[end];
        if (d === delimiter || d === '\n' || d === '\r') break;
        end++;
      }
      field += text.slice(i, end);
      started = true;
      i = end;
    }
  }
  if (started || fields.length) endRecord();
};

/** The delimiter under which the first rows agree on a field count above one; comma on a tie. */
const sniffDelimiter = (text: string): Delimiter => {
  const sample = text.slice(0, SNIFF_CHARS);
  let best: Delimiter = ',';
  let bestScore = 0;
  for (const delimiter of DELIMITERS) {
    const counts: number[] = [];
    readRecords(sample, delimiter, (fields) => counts.push(fields.length) < SNIFF_ROWS, true);
    // The last sampled row may be cut short by the sample's end.
    if (counts.length > 1 && sample.length < text.length) counts.pop();
    const width = counts[0] ?? 0;
    if (width < 2) continue;
    const score = counts.filter((n) => n === width).length * 1000 + width;
    if (score > bestScore) {
      best = delimiter;
      bestScore = score;
    }
  }
  return best;
};

/**
 * Parses CSV text. Throws `UnreadableDocument` when there is no data row, more
 * than `MAX_CSV_ROWS`, or a quoted field that never ends.
 */
export const parseCsv = (text: string, name: string): ParsedDocument => {
  const source = text.replace(/^\uFEFF/, '');
  const delimiter = sniffDelimiter(source);
  let header: string[] | undefined;
  const rows: { n: number; text: string }[] = [];
  let records = 0;
  let tooMany = false;
  try {
    readRecords(source, delimiter, (fields) => {
      if (!header) {
        header = fields.map((f, i) => f.trim() || `Column ${i + 1}`);
        return true;
      }
      records++;
      const parts: string[] = [];
      fields.forEach((raw, i) => {
        const value = raw.trim();
        if (value) parts.push(`${header![i] ?? `Column ${i + 1}`}: ${value}`);
      });
      if (!parts.length) return true;
      if (rows.length === MAX_CSV_ROWS) {
        tooMany = true;
        return false;
      }
      rows.push({ n: records, text: parts.join('; ') });
      return true;
    });
  } catch (err) {
    if (err instanceof UnclosedQuote) {
      const line = source.slice(0, err.at).split('\n').length;
      throw new UnreadableDocument(
        `This CSV file has a quoted value that never ends (it starts on line ${line}). Check its quotes and upload it again.`,
      );
    }
    throw err;
  }
  if (tooMany) {
    throw new UnreadableDocument(
      `This CSV file has more than ${MAX_CSV_ROWS.toLocaleString('en')} rows. Split it into smaller files and upload them again.`,
    );
  }
  if (!rows.length) throw new UnreadableDocument('This CSV file has no rows.');

  const blocks: Block[] = [];
  let offset = 0;
  for (const { n, text: row } of rows) {
    blocks.push({ kind: 'paragraph', text: row, start: offset, end: offset + row.length, headings: [`Row ${n}`] });
    offset += row.length + 2;
  }
  return { title: titleFromName(name), text: rows.map((r) => r.text).join('\n\n'), blocks };
};
