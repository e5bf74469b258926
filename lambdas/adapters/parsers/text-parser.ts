/**
 * Markdown and plain text into blocks: headings (Markdown `#` lines, setext
 * underlines), paragraphs separated by blank lines, and fenced code kept whole.
 */
import type { Block, ParsedDocument } from '../../core/records.ts';

interface Line { text: string; start: number; end: number }

const linesOf = (text: string): Line[] => {
  const lines: Line[] = [];
  let start = 0;
  for (const raw of text.split('\n')) {
    lines.push({ text: raw, start, end: start + raw.length });
    start += raw.length + 1;
  }
  return lines;
};

const titleFromName = (name: string): string => name.replace(/\.[^.]+$/, '').replace(/[_-]+/g, ' ').trim() || name;

export const parseText = (text: string, name: string, markdown: boolean): ParsedDocument => {
  const blocks: Block[] = [];
  const headings: string[] = [];
  let para: Line[] = [];
  let title: string | undefined;

  const pushBlock = (kind: Block['kind'], from: Line, to: Line) => {
    const slice = text.slice(from.start, to.end);
    if (!slice.trim()) return;
    blocks.push({ kind, text: slice, start: from.start, end: to.end, headings: [...headings] });
  };
  const endParagraph = () => {
    if (para.length) pushBlock('paragraph', para[0]!, para[para.length - 1]!);
    para = [];
  };
  const heading = (level: number, label: string, from: Line, to: Line) => {
    endParagraph();
    headings.splice(level - 1);
    while (headings.length < level - 1) headings.push('');
    headings.push(label);
    title ??= label;
    pushBlock('heading', from, to);
  };

  const lines = linesOf(text);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (markdown) {
      const fence = /^\s*(```|~~~)/.exec(line.text);
      if (fence) {
        endParagraph();
        let j = i + 1;
        while (j < lines.length && !lines[j]!.text.trimStart().startsWith(fence[1]!)) j++;
        const last = lines[Math.min(j, lines.length - 1)]!;
        pushBlock('code', line, last);
        i = j;
        continue;
      }
      const atx = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line.text);
      if (atx) {
        heading(atx[1]!.length, atx[2]!, line, line);
        continue;
      }
      const next = lines[i + 1];
      if (next && para.length === 0 && line.text.trim() && /^(=+|-+)\s*$/.test(next.text) && next.text.trim().length >= 2) {
        heading(next.text.trim().startsWith('=') ? 1 : 2, line.text.trim(), line, next);
        i++;
        continue;
      }
    }
    if (line.text.trim() === '') endParagraph();
    else para.push(line);
  }
  endParagraph();
  return { title: title ?? titleFromName(name), text, blocks: blocks.map((b) => ({ ...b, headings: b.headings.filter(Boolean) })) };
};
