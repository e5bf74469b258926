/**
 * Builds the admin panel (admin/src) into one minified ES module, `app.js`,
 * and its stylesheet, `app.css`. Used by the local platform (served from
 * memory under /admin/) and, later, by the CloudFront deployment.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { build, transform } from 'esbuild';

const ADMIN = path.resolve(import.meta.dirname, '../admin');

/** The panel's Content-Security-Policy, wherever it is served (the local platform, CloudFront). */
export const ADMIN_CSP = "default-src 'self'; connect-src 'self'; script-src 'self'; style-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
const TARGET = ['es2022'];

export interface AdminBundle {
  readonly 'index.html': Uint8Array;
  readonly 'app.js': Uint8Array;
  readonly 'app.css': Uint8Array;
  readonly 'favicon.svg': Uint8Array;
}

/** The panel's files, as bytes. */
export const buildAdmin = async (): Promise<AdminBundle> => {
  const [js, css, html, favicon] = await Promise.all([
    build({
      entryPoints: [path.join(ADMIN, 'src', 'main.ts')],
      bundle: true,
      format: 'esm',
      minify: true,
      target: TARGET,
      legalComments: 'none',
      charset: 'utf8',
      write: false,
      outfile: 'app.js',
      logLevel: 'silent',
    }),
    fs.readFile(path.join(ADMIN, 'src', 'styles.css'), 'utf8').then((text) =>
      transform(text, { loader: 'css', minify: true, target: ['chrome100', 'firefox100', 'safari15'] })),
    fs.readFile(path.join(ADMIN, 'index.html')),
    fs.readFile(path.join(ADMIN, 'favicon.svg')),
  ]);
  const file = js.outputFiles[0];
  if (!file) throw new Error('esbuild produced no app.js');
  // A rule esbuild cannot read is a rule the browser drops: fail the build instead.
  if (css.warnings.length) throw new Error(`admin styles: ${css.warnings.map((w) => w.text).join('; ')}`);
  return { 'index.html': html, 'app.js': file.contents, 'app.css': new TextEncoder().encode(css.code), 'favicon.svg': favicon };
};

if (import.meta.main) {
  // `node infra/admin-build.ts <folder>`: writes the panel's files there (the CDK's asset bundling passes its output folder).
  const out = path.resolve(process.argv[2] ?? path.join(ADMIN, 'dist'));
  await fs.mkdir(out, { recursive: true });
  const files = await buildAdmin();
  for (const [name, bytes] of Object.entries(files)) await fs.writeFile(path.join(out, name), bytes as Uint8Array);
  console.log(`${path.relative(process.cwd(), out)}: ${Object.keys(files).join(', ')}`);
}
