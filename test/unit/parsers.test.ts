import { describe, expect, it } from 'vitest';
import { UnreadableDocument } from '../../lambdas/core/errors.ts';
import { createDocumentParser } from '../../lambdas/adapters/parsers/document-parser.ts';
import { sniff } from '../../lambdas/adapters/parsers/sniff.ts';
import { parseText } from '../../lambdas/adapters/parsers/text-parser.ts';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('markdown and text parsing', () => {
  it('finds ATX and setext headings, paragraphs and fenced code', () => {
    const doc = parseText('Title\n=====\n\nIntro.\n\n## Setup ##\n\n```sh\nnpm start\n\n# not a heading\n```\n\nDone.', 'x.md', true);
    expect(doc.title).toBe('Title');
    expect(doc.blocks.map((b) => [b.kind, b.headings.join('/')])).toEqual([
      ['heading', 'Title'], ['paragraph', 'Title'], ['heading', 'Title/Setup'], ['code', 'Title/Setup'], ['paragraph', 'Title/Setup'],
    ]);
    expect(doc.blocks[3]?.text).toContain('# not a heading');
  });

  it('treats # in plain text as text and titles the document after its file name', () => {
    const doc = parseText('# not a heading\n\nbody', 'release_notes-2024.txt', false);
    expect(doc.title).toBe('release notes 2024');
    expect(doc.blocks.every((b) => b.kind === 'paragraph')).toBe(true);
  });

  it('normalises line endings and a byte order mark', async () => {
    const doc = await createDocumentParser().parse(bytes('\uFEFF# Hi\r\n\r\nThere.'), 'text/markdown', 'a.md');
    expect(doc.text).toBe('# Hi\n\nThere.');
  });
});

describe('type detection from bytes', () => {
  it('recognises PDFs, zips, images and binaries whatever their declared type', () => {
    expect(sniff(bytes('%PDF-1.7 ...'))).toBe('pdf');
    expect(sniff(new Uint8Array([0x50, 0x4b, 3, 4, 0]))).toBe('zip');
    expect(sniff(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toBe('image');
    expect(sniff(new Uint8Array([0x61, 0, 0x62]))).toBe('binary');
    expect(sniff(new Uint8Array([0xc3, 0x28]))).toBe('binary');
    expect(sniff(bytes('plain ünïcødé ✓'))).toBe('text');
  });

  it('refuses a declared text file whose bytes are a PDF, with an owner-readable reason', async () => {
    const parser = createDocumentParser();
    await expect(parser.parse(bytes('%PDF-1.4\n...'), 'text/plain', 'a.txt')).rejects.toThrow(UnreadableDocument);
    await expect(parser.parse(bytes('%PDF-1.4\n...'), 'text/plain', 'a.txt')).rejects.toThrow('The name of this file says it is a text file, but its contents look like a PDF.');
  });
});
