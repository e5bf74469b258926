/**
 * Where pdf.js finds its character maps (CMaps) and standard font data: the
 * `pdfjs-data` folder beside the parser in the sources, and beside the bundle's
 * files once `bundleHandler` has copied it there. Read from disk only; pdf.js
 * is never allowed to fetch them.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The folder's name, in the sources and in a bundle. */
export const PDFJS_DATA_FOLDER = 'pdfjs-data';

/** Paths in the form pdf.js wants them: folders ending with a slash. */
export interface PdfJsDataPaths {
  readonly cMapUrl: string;
  readonly standardFontDataUrl: string;
}

// The parser's own folder (sources, or a bundle's index.mjs) or its parent (a bundle's chunks/).
const CANDIDATES = [`./${PDFJS_DATA_FOLDER}/`, `../${PDFJS_DATA_FOLDER}/`];

let found: PdfJsDataPaths | undefined;

/**
 * The data folders, looked up once. Throws when they are missing: that is a
 * packaging fault, and reading CJK PDFs as "scanned" would hide it.
 */
export const pdfJsDataPaths = (): PdfJsDataPaths => {
  if (found) return found;
  for (const candidate of CANDIDATES) {
    const dir = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(`${dir}cmaps`) && existsSync(`${dir}standard_fonts`)) {
      found = { cMapUrl: `${dir}cmaps/`, standardFontDataUrl: `${dir}standard_fonts/` };
      return found;
    }
  }
  throw new Error(`pdf.js data (${PDFJS_DATA_FOLDER}/cmaps, ${PDFJS_DATA_FOLDER}/standard_fonts) is missing beside the PDF parser`);
};
