// Size is a feature: widget.js is on every page of every owner's site. Peers ship
// 214–284 KB gzipped; the budget here is 12 KB.
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildWidget } from '../../infra/widget-build.ts';

const BUDGET_GZIP_BYTES = 12 * 1024;

describe('widget.js', () => {
  it(`stays within ${BUDGET_GZIP_BYTES} bytes gzipped`, async () => {
    const bytes = await buildWidget();
    const gzipped = gzipSync(bytes, { level: 9 }).byteLength;
    console.log(`widget.js: ${bytes.byteLength} bytes minified, ${gzipped} bytes gzipped (budget ${BUDGET_GZIP_BYTES})`);
    expect(gzipped).toBeLessThanOrEqual(BUDGET_GZIP_BYTES);
  });

  it('is one self-contained script: no imports, no eval, no globals but window.Parley, no markup from strings', async () => {
    const code = new TextDecoder().decode(await buildWidget());
    expect(code.startsWith('"use strict";(()=>{') || code.startsWith('(()=>{')).toBe(true);
    expect(code.trimEnd().endsWith('})();')).toBe(true);
    for (const banned of ['innerHTML', 'outerHTML', 'insertAdjacentHTML', 'document.write', 'eval(', 'new Function', 'import(', 'document.cookie', 'localStorage', 'postMessage', '.style.', 'setAttribute("style"']) {
      expect(code, banned).not.toContain(banned);
    }
    expect([...code.matchAll(/window\.(\w+)/g)].map((m) => m[1]).filter((name) => name !== 'Parley' && name !== 'sessionStorage' && name !== 'addEventListener' && name !== 'removeEventListener')).toEqual([]);
  });
});
