/**
 * The files of a corpus for `npm run bench:corpus`: a folder, or a bare git
 * repository as `fetch` brings it (read at HEAD with git, nothing unpacked),
 * optionally narrowed to a subfolder and to some formats:
 * `<path>[:<subfolder>][@pdf,docx,html]`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { CorpusFormat } from './corpus-score.ts';

export interface CorpusFile {
  readonly file: string;
  readonly format: CorpusFormat;
  /** The bytes, or undefined when the snapshot lists the file without its content (large files, LFS). */
  readonly read: () => Uint8Array | undefined;
  /** Readability's layout: the expected main text of a `source.html`, beside it. */
  readonly expectedHtml?: () => string | undefined;
}

export interface Corpus {
  /** A short name: the repository's folder name under the mirror, or the folder's. */
  readonly name: string;
  readonly subfolder?: string;
  readonly formats?: readonly CorpusFormat[];
  readonly commit?: string;
  readonly files: readonly CorpusFile[];
}

/** The format a file's name says, if the bench reads it. */
export const formatOf = (file: string): CorpusFormat | undefined => {
  const ext = path.extname(file).toLowerCase();
  return ext === '.pdf' ? 'pdf' : ext === '.docx' ? 'docx' : ext === '.html' || ext === '.htm' ? 'html' : undefined;
};

/** Files to read from a list of paths: `expected.html` beside a `source.html` is the reference, not a page. */
export const selectFiles = (paths: readonly string[]): Array<{ file: string; format: CorpusFormat; expected?: string }> => {
  const all = new Set(paths);
  const out: Array<{ file: string; format: CorpusFormat; expected?: string }> = [];
  for (const file of [...paths].sort()) {
    const format = formatOf(file);
    if (!format) continue;
    const dir = path.posix.dirname(file);
    const base = path.posix.basename(file);
    if (base === 'expected.html' && all.has(path.posix.join(dir, 'source.html'))) continue;
    const expected = base === 'source.html' && all.has(path.posix.join(dir, 'expected.html')) ? path.posix.join(dir, 'expected.html') : undefined;
    out.push({ file, format, ...(expected ? { expected } : {}) });
  }
  return out;
};

const walk = (root: string, dir = ''): string[] =>
  readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = dir ? `${dir}/${e.name}` : e.name;
    if (e.isDirectory()) return e.name === '.git' || e.name === 'node_modules' ? [] : walk(root, rel);
    return e.isFile() ? [rel] : [];
  });

const isBareRepository = (dir: string): boolean =>
  existsSync(path.join(dir, 'HEAD')) && existsSync(path.join(dir, 'objects')) && !existsSync(path.join(dir, '.git'));

const FORMATS: readonly CorpusFormat[] = ['pdf', 'docx', 'html'];

/** Opens `<path>[:<subfolder>][@<formats>]`. */
export const openCorpus = (spec: string): Corpus => {
  const [where = '', only] = spec.split('@') as [string, string | undefined];
  const formats = only?.split(',').map((f) => {
    if (!FORMATS.includes(f as CorpusFormat)) throw new Error(`unknown format ${f} in ${spec}: pdf, docx or html`);
    return f as CorpusFormat;
  });
  const at = where.lastIndexOf(':');
  const [root, sub] = at > 0 ? [where.slice(0, at), where.slice(at + 1).replace(/\/$/, '')] : [where, ''];
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new Error(`no corpus at ${root}`);
  const name = path.basename(root) === 'repo' ? path.basename(path.dirname(root)) : path.basename(root);
  const wanted = (f: { format: CorpusFormat }) => !formats || formats.includes(f.format);
  const described = { name, ...(sub ? { subfolder: sub } : {}), ...(formats ? { formats } : {}) };
  if (isBareRepository(root)) {
    const git = (args: string[], encoding?: 'utf8') => execFileSync('git', ['-C', root, ...args], { maxBuffer: 256 << 20, stdio: ['ignore', 'pipe', 'ignore'], ...(encoding ? { encoding } : {}) });
    const listed = (git(['ls-tree', '-r', '-z', '--name-only', 'HEAD', ...(sub ? ['--', sub] : [])], 'utf8') as string).split('\0').filter(Boolean);
    const blob = (file: string): Uint8Array | undefined => {
      try {
        return new Uint8Array(git(['cat-file', 'blob', `HEAD:${file}`]) as Buffer);
      } catch {
        return undefined;
      }
    };
    return {
      ...described,
      commit: (git(['rev-parse', 'HEAD'], 'utf8') as string).trim(),
      files: selectFiles(listed).filter(wanted).map(({ file, format, expected }) => ({
        file, format, read: () => blob(file),
        ...(expected ? { expectedHtml: () => { const b = blob(expected); return b && Buffer.from(b).toString('utf8'); } } : {}),
      })),
    };
  }
  // Paths from the corpus's root, as in a repository.
  const under = (f: string) => (sub ? `${sub}/${f}` : f);
  return {
    ...described,
    files: selectFiles(walk(sub ? path.join(root, sub) : root).map(under)).filter(wanted).map(({ file, format, expected }) => ({
      file, format, read: () => new Uint8Array(readFileSync(path.join(root, file))),
      ...(expected ? { expectedHtml: () => readFileSync(path.join(root, expected), 'utf8') } : {}),
    })),
  };
};
