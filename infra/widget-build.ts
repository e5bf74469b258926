/**
 * Builds the widget (widget/src) into one minified IIFE, `widget.js`, its
 * stylesheet minified and inlined as text. Used by `npm run build:widget`
 * (writes widget/dist/widget.js), by the local platform (serves it from
 * memory) and by the size test.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { build, transform, type Plugin } from 'esbuild';

const WIDGET = path.resolve(import.meta.dirname, '../widget');
const ENTRY = path.join(WIDGET, 'src', 'main.ts');
export const WIDGET_DIST = path.join(WIDGET, 'dist', 'widget.js');

/** `import css from './x.css'`: the file minified, as a string. */
const cssAsText: Plugin = {
  name: 'css-as-text',
  setup(b) {
    b.onLoad({ filter: /\.css$/ }, async (args) => {
      const { code, warnings } = await transform(await fs.readFile(args.path, 'utf8'), { loader: 'css', minify: true, target: ['chrome100', 'firefox100', 'safari15'] });
      // A rule esbuild cannot read is a rule the browser drops: fail the build instead.
      if (warnings.length) return { errors: warnings.map((w) => ({ text: w.text, location: w.location })) };
      return { contents: code.trim(), loader: 'text' };
    });
  },
};

/** The bundle's bytes; with `outfile`, also written there. */
export const buildWidget = async (outfile?: string): Promise<Uint8Array> => {
  const result = await build({
    entryPoints: [ENTRY],
    bundle: true,
    format: 'iife',
    minify: true,
    // ES2022 syntax: Chrome/Edge 94+, Firefox 93+, Safari 15.4+.
    target: ['es2022'],
    legalComments: 'none',
    charset: 'utf8',
    plugins: [cssAsText],
    write: false,
    outfile: outfile ?? WIDGET_DIST,
    logLevel: 'silent',
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error('esbuild produced no widget.js');
  if (outfile) {
    await fs.mkdir(path.dirname(outfile), { recursive: true });
    await fs.writeFile(outfile, file.contents);
  }
  return file.contents;
};

if (import.meta.main) {
  // `node infra/widget-build.ts [out file]`: the CDK's asset bundling passes its output folder's file.
  const out = process.argv[2] ? path.resolve(process.argv[2]) : WIDGET_DIST;
  const { gzipSync } = await import('node:zlib');
  const bytes = await buildWidget(out);
  console.log(`${path.relative(process.cwd(), out)}: ${bytes.byteLength} bytes, ${gzipSync(bytes, { level: 9 }).byteLength} gzipped`);
}
