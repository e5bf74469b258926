import { describe, expect, it } from 'vitest';
import { chunkDocument } from '../../lambdas/core/chunking.ts';
import { parseText } from '../../lambdas/adapters/parsers/text-parser.ts';
import { countingReads, expectLinearCount } from './fixtures/linear-time.ts';

const paragraph = (n: number) => `Paragraph ${n} talks about topic ${n}. ${'It has plenty of words to fill a chunk. '.repeat(8)}`;

describe('chunking', () => {
  it('follows headings: each chunk stays in one section and knows its path', () => {
    const doc = parseText('# Guide\n\nIntro text here.\n\n## Install\n\nRun the installer.\n\n## Use\n\nOpen the app.\n', 'guide.md', true);
    const chunks = chunkDocument(doc);
    expect(chunks.map((c) => c.section)).toEqual(['Guide', 'Guide › Install', 'Guide › Use']);
    expect(chunks[1]?.text).toBe('## Install\n\nRun the installer.');
  });

  it('cites exactly: every chunk is the slice of the document its offsets name', () => {
    const text = `# Title\n\n${Array.from({ length: 30 }, (_, i) => paragraph(i)).join('\n\n')}\n`;
    const doc = parseText(text, 'long.md', true);
    const chunks = chunkDocument(doc);
    expect(chunks.length).toBeGreaterThan(5);
    for (const c of chunks) expect(text.slice(c.start, c.end)).toBe(c.text);
  });

  it('keeps chunks to a few hundred tokens and overlaps neighbours', () => {
    const text = Array.from({ length: 30 }, (_, i) => paragraph(i)).join('\n\n');
    const chunks = chunkDocument(parseText(text, 'long.txt', false));
    for (const c of chunks) expect(c.text.length / 4).toBeLessThanOrEqual(450);
    const overlapping = chunks.slice(1).filter((c, i) => c.start < chunks[i]!.end);
    expect(overlapping.length).toBeGreaterThan(0);
  });

  it('splits one huge paragraph at sentence boundaries', () => {
    const text = 'This is one sentence of a very long paragraph. '.repeat(200);
    const chunks = chunkDocument(parseText(text, 'wall.txt', false));
    expect(chunks.length).toBeGreaterThan(3);
    for (const c of chunks) expect(c.text.endsWith('.')).toBe(true);
  });

  it('gives the same chunks for the same document', () => {
    const text = Array.from({ length: 12 }, (_, i) => `## Part ${i}\n\n${paragraph(i)}`).join('\n\n');
    expect(chunkDocument(parseText(text, 'a.md', true))).toEqual(chunkDocument(parseText(text, 'a.md', true)));
  });

  it('keeps text in other scripts intact', () => {
    const text = '# 日本語\n\n東京は日本の首都です。人口は約千四百万人です。\n\n# العربية\n\nالقاهرة عاصمة مصر.';
    const chunks = chunkDocument(parseText(text, 'multi.md', true));
    expect(chunks.map((c) => c.text)).toEqual(['# 日本語\n\n東京は日本の首都です。人口は約千四百万人です。', '# العربية\n\nالقاهرة عاصمة مصر.']);
  });

  it('yields nothing for a document of headings only', () => {
    expect(chunkDocument(parseText('# A\n## B\n', 'h.md', true))).toEqual([]);
  });

  it('drops heading-only chunks among many sections in linear time', () => {
    // Sections of one line, as a CSV's rows are, each after a heading of its own (every tenth without text).
    // Looking at every block for every chunk once made 100,000 of them take 51 s; here each block read is counted.
    const rows = (n: number, count: () => void) => {
      const doc = parseText(Array.from({ length: n }, (_, i) => (i % 10 === 9 ? `# Empty ${i}` : `# Row ${i}\n\nModel ${i}; price ${i} EUR.`)).join('\n\n'), 'rows.md', true);
      return { ...doc, blocks: countingReads(doc.blocks, count) };
    };
    const chunks = expectLinearCount('block reads', rows, chunkDocument, 200);
    expect(chunks).toHaveLength(2_880);
    expect(chunks.some((c) => c.text.startsWith('# Empty'))).toBe(false);
    expect(chunks[8]).toMatchObject({ section: 'Row 8', text: '# Row 8\n\nModel 8; price 8 EUR.' });
    expect(chunks[9]).toMatchObject({ section: 'Row 10' });
  });

  it('starts a new chunk on a new page, so each cites one page', () => {
    const text = 'Page one text.\n\nPage two text.';
    const doc = { title: 't', text, blocks: [
      { kind: 'paragraph' as const, text: 'Page one text.', start: 0, end: 14, headings: [], page: 1 },
      { kind: 'paragraph' as const, text: 'Page two text.', start: 16, end: 30, headings: [], page: 2 },
    ] };
    expect(chunkDocument(doc).map((c) => [c.text, c.page])).toEqual([['Page one text.', 1], ['Page two text.', 2]]);
  });
});
