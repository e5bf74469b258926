import { describe, expect, it } from 'vitest';
import { UnreadableDocument } from '../../lambdas/core/errors.ts';
import { MAX_CSV_ROWS, parseCsv } from '../../lambdas/adapters/parsers/csv-parser.ts';
import { chunkDocument } from '../../lambdas/core/chunking.ts';
import { expectOffsets } from './fixtures/offsets.ts';
import { expectLinearTime, LINEAR_TIME_TEST_TIMEOUT_MS } from './fixtures/linear-time.ts';


const parse = (csv: string, name = 'table.csv') => {
  const doc = parseCsv(csv, name);
  expectOffsets(doc);
  return doc;
};

const rows = (csv: string) => parse(csv).blocks.map((b) => b.text);

const reasonOf = (csv: string): string => {
  try {
    parseCsv(csv, 'table.csv');
  } catch (err) {
    expect(err).toBeInstanceOf(UnreadableDocument);
    return (err as Error).message;
  }
  throw new Error('expected the file to be refused');
};

describe('CSV parsing', () => {
  it('writes each data row as a self-describing paragraph, skipping empty cells', () => {
    const doc = parse('Name,Role,Phone\nAna,Owner,555-0101\nBo,,555-0102\n', 'team_contacts.csv');
    expect(doc.blocks.map((b) => [b.kind, b.text, b.headings])).toEqual([
      ['paragraph', 'Name: Ana; Role: Owner; Phone: 555-0101', ['Row 1']],
      ['paragraph', 'Name: Bo; Phone: 555-0102', ['Row 2']],
    ]);
    expect(doc.title).toBe('team contacts');
  });

  it('makes each row a passage of its own, named by its place among the data rows', () => {
    const csv = 'Model,Price,Frame\nTrail 300,899 EUR,S\nTrail 400,1099 EUR,M\n,,\nTrail 500,1499 EUR,L\nKids 20,349 EUR,XS\nKids 24,399 EUR,S\n';
    const chunks = chunkDocument(parse(csv, 'bikes.csv'));
    expect(chunks.map((c) => [c.section, c.text])).toEqual([
      ['Row 1', 'Model: Trail 300; Price: 899 EUR; Frame: S'],
      ['Row 2', 'Model: Trail 400; Price: 1099 EUR; Frame: M'],
      // The empty third row is no passage, but it keeps its place, so the numbers match the file.
      ['Row 4', 'Model: Trail 500; Price: 1499 EUR; Frame: L'],
      ['Row 5', 'Model: Kids 20; Price: 349 EUR; Frame: XS'],
      ['Row 6', 'Model: Kids 24; Price: 399 EUR; Frame: S'],
    ]);
  });

  it('reads quoted fields: delimiters, doubled quotes and line breaks inside quotes, CRLF', () => {
    const csv = '\uFEFFQuestion,Answer\r\n"Do you ship to Spain, Portugal?","Yes, ""always"" free"\r\n"Returns?","Within 30 days.\r\nKeep the receipt."\r\n"",\r\n';
    expect(rows(csv)).toEqual([
      'Question: Do you ship to Spain, Portugal?; Answer: Yes, "always" free',
      'Question: Returns?; Answer: Within 30 days.\nKeep the receipt.',
    ]);
  });

  it('is lenient where spreadsheets are: stray quotes, short and long rows, blank lines, a missing final newline', () => {
    expect(rows('Size,Note\n5" screen,"quoted" then text\n\n\nXL\n1,2,3,4')).toEqual([
      'Size: 5" screen; Note: quoted then text',
      'Size: XL',
      'Size: 1; Note: 2; Column 3: 3; Column 4: 4',
    ]);
    expect(rows(',Price\r\nTea,2\rCoffee,3')).toEqual(['Column 1: Tea; Price: 2', 'Column 1: Coffee; Price: 3']);
  });

  it('sniffs semicolons and tabs, and ignores delimiters inside quotes while sniffing', () => {
    expect(rows('Produkt;Preis\nÄpfel;1,50\nBirnen;2,00\n')).toEqual(['Produkt: Äpfel; Preis: 1,50', 'Produkt: Birnen; Preis: 2,00']);
    expect(rows('a\tb\n1,2\t3;4\n')).toEqual(['a: 1,2; b: 3;4']);
    expect(rows('"x;y;z",w\n"1;2;3",4\n')).toEqual(['x;y;z: 1;2;3; w: 4']);
    expect(rows('only\nsingle column\n')).toEqual(['only: single column']);
  });

  it('keeps text in any script intact', () => {
    const values = ['東京都渋谷区', 'مرحبا بالعالم', 'नमस्ते दुनिया', 'สวัสดีครับ', 'Привет', '👩🏽‍💻 e\u0301', '한국어'];
    const csv = `Text,Lang\n${values.map((v, i) => `"${v}",${i}`).join('\n')}\n`;
    expect(rows(csv)).toEqual(values.map((v, i) => `Text: ${v}; Lang: ${i}`));
  });

  it('refuses a file without data rows', () => {
    expect(reasonOf('')).toBe('This CSV file has no rows.');
    expect(reasonOf('Name,Phone\r\n')).toBe('This CSV file has no rows.');
    expect(reasonOf('Name,Phone\n,\n  ,  \n')).toBe('This CSV file has no rows.');
  });

  it('refuses more rows than it will index', () => {
    const csv = `n\n${'1\n'.repeat(MAX_CSV_ROWS + 1)}`;
    expect(reasonOf(csv)).toBe('This CSV file has more than 100,000 rows. Split it into smaller files and upload them again.');
    expect(parse(`n\n${'1\n'.repeat(MAX_CSV_ROWS)}`).blocks).toHaveLength(MAX_CSV_ROWS);
  });

  it('says where a quoted value never ends', () => {
    expect(reasonOf('a,b\n1,2\n3,"unfinished\n4,5\n')).toBe(
      'This CSV file has a quoted value that never ends (it starts on line 3). Check its quotes and upload it again.',
    );
  });

  it('reads a large file in linear time', async () => {
    const csv = (n: number) => `a,b,c\n${'"Lorem, ipsum","dolor ""sit"" amet",consectetur\n'.repeat(n)}`;
    const doc = await expectLinearTime('quoted rows', csv, (text) => parseCsv(text, 'table.csv'), 500);
    expect(doc.blocks).toHaveLength(8_000);
    expectOffsets(doc);
  }, LINEAR_TIME_TEST_TIMEOUT_MS);
});
