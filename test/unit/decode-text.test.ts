import { describe, expect, it } from 'vitest';
import { decodeText } from '../../lambdas/adapters/web/crawler.ts';

describe('decodeText', () => {
  it('uses the charset the Content-Type declares', () => {
    expect(decodeText(Buffer.from('Crème brûlée', 'latin1'), 'text/html; charset=ISO-8859-1')).toBe('Crème brûlée');
  });

  it('falls back to a <meta charset> in the page, then to UTF-8', () => {
    // 日本 in Shift_JIS.
    const sjis = Buffer.concat([Buffer.from('<html><head><meta charset="Shift_JIS"></head><body>'), Buffer.from([0x93, 0xfa, 0x96, 0x7b]), Buffer.from('</body></html>')]);
    expect(decodeText(sjis, 'text/html')).toContain('日本');
    expect(decodeText(Buffer.from('ünïcödé'), null)).toBe('ünïcödé');
  });

  it('reads an unknown charset label as UTF-8 rather than failing', () => {
    expect(decodeText(Buffer.from('plain'), 'text/html; charset=x-made-up')).toBe('plain');
  });
});
