// No module imports itself back through others, type-only imports included. Lint's import-x/no-cycle
// guards the imports that run; it skips `import type` and has no option to count it, so this test reads
// every relative import (as TypeScript's own scanner lists them) of the functions, the stack, the panel
// and the widget, and looks for cycles in that graph.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

const sourceFiles = (dir: string): string[] =>
  fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'dist' ? [] : sourceFiles(rel);
    return /\.ts$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [rel] : [];
  });

/** Each file's relative imports that resolve to another file of the set (paths from the repository root). */
const importGraph = (files: readonly string[]): Map<string, string[]> => {
  const known = new Set(files);
  return new Map(files.map((file) => {
    const { importedFiles } = ts.preProcessFile(fs.readFileSync(path.join(root, file), 'utf8'), true, true);
    const targets = importedFiles
      .map((ref) => ref.fileName)
      .filter((spec) => spec.startsWith('.'))
      .map((spec) => path.posix.join(path.posix.dirname(file), spec))
      .filter((target) => known.has(target));
    return [file, [...new Set(targets)]];
  }));
};

/** The strongly connected parts of more than one module (or a module importing itself): each one a cycle. */
const cyclesOf = (graph: ReadonlyMap<string, readonly string[]>): string[][] => {
  let next = 0;
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    order.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!order.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, order.get(w)!));
    }
    if (low.get(v) !== order.get(v)) return;
    const part: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      part.push(w);
    } while (w !== v);
    if (part.length > 1 || graph.get(v)?.includes(v)) cycles.push(part.sort());
  };
  for (const v of graph.keys()) if (!order.has(v)) visit(v);
  return cycles;
};

describe('the import graph', () => {
  it('finds a cycle made of type-only imports, and leaves a chain alone', () => {
    const graph = new Map([['a.ts', ['b.ts']], ['b.ts', ['c.ts']], ['c.ts', ['a.ts']], ['d.ts', ['a.ts']]]);
    expect(cyclesOf(graph)).toEqual([['a.ts', 'b.ts', 'c.ts']]);
    expect(cyclesOf(new Map([['a.ts', ['b.ts']], ['b.ts', []]]))).toEqual([]);
    const scanned = ts.preProcessFile("import type { A } from './a.ts';\nexport type { B } from './b.ts';\nimport { c } from './c.ts';", true, true);
    expect(scanned.importedFiles.map((f) => f.fileName)).toEqual(['./a.ts', './b.ts', './c.ts']);
  });

  it('has no cycle in the functions, the stack, the panel or the widget, type-only imports included', () => {
    const files = ['lambdas', 'infra', 'admin/src', 'widget/src'].flatMap(sourceFiles);
    const graph = importGraph(files);
    expect(graph.get('widget/src/widget.ts')).toContain('widget/src/api.ts');
    expect(cyclesOf(graph)).toEqual([]);
  });
});
