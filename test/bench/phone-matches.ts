/**
 * Counts phone-number matches of the personal-data check, before (the hand-written
 * pattern it used until libphonenumber-js) and now, over the fixture documents:
 * the text of every PDF in test/fixtures (parsed as ingestion parses it), a
 * canonical hex dump of each PDF's bytes (the false positives seen in a real PDF),
 * the prompt-injection corpus, and each BEIR folder's corpus.jsonl given as an argument.
 *
 * Phone numbers are read with the countries of the AWS region given (as ingestion
 * reads them in a deployment there; `-` for none, so only international ones).
 *
 *   node test/bench/phone-matches.ts [aws-region] [beir-folder ...]
 *   node test/bench/phone-matches.ts eu-central-1 ../shared/data/scifact ../shared/data/squad-qa
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePdf } from '../../lambdas/adapters/parsers/pdf-parser.ts';
import { findPersonalData, phoneCountriesForRegion } from '../../lambdas/core/personal-data.ts';
import { INJECTIONS } from '../fixtures/injection/corpus.ts';

/** The phone pattern and its test as they were before libphonenumber-js, kept here as the baseline. */
const OLD_PHONE = /(?<![\w+])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\d{2,4}(?:[ .-]\d{2,4}){1,4}(?![\w-])/g;
const oldPhones = (text: string): string[] =>
  [...text.matchAll(OLD_PHONE)].map((m) => m[0]).filter((m) => {
    const d = m.replace(/\D/g, '');
    return d.length >= 8 && d.length <= 15 && (m.startsWith('+') || m.startsWith('(') || /[ .-]/.test(m)) && !/^\d{4}-\d{2}-\d{2}$/.test(m.trim());
  });

/** `hexdump -C` layout: offset, sixteen bytes in hex, the printable characters. */
const hexDump = (bytes: Uint8Array): string => {
  const lines: string[] = [];
  for (let at = 0; at < bytes.length; at += 16) {
    const row = [...bytes.subarray(at, at + 16)];
    const hex = row.map((b) => b.toString(16).padStart(2, '0'));
    const text = row.map((b) => (b >= 32 && b < 127 ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${at.toString(16).padStart(8, '0')}  ${hex.slice(0, 8).join(' ')}  ${hex.slice(8).join(' ')}  |${text}|`);
  }
  return lines.join('\n');
};

const [regionArg, ...folders] = process.argv.slice(2);
const region = regionArg && regionArg !== '-' ? regionArg : undefined;
const phoneCountries = region ? phoneCountriesForRegion(region) : [];
const sources: { name: string; texts: string[] }[] = [];

const pdfDir = join(import.meta.dirname, '../fixtures/pdf');
for (const file of readdirSync(pdfDir).filter((f) => f.endsWith('.pdf'))) {
  const bytes = new Uint8Array(readFileSync(join(pdfDir, file)));
  let text = '';
  try {
    text = (await parsePdf(bytes, file)).text;
  } catch (err) {
    console.error(`${file}: no text (${(err as Error).message})`);
  }
  sources.push({ name: `pdf text: ${file}`, texts: [text] }, { name: `hex dump of ${file}`, texts: [hexDump(bytes)] });
}
sources.push({ name: 'injection corpus', texts: INJECTIONS.map((d) => d.text) });
for (const folder of folders) {
  const lines = readFileSync(join(folder, 'corpus.jsonl'), 'utf8').split('\n').filter(Boolean);
  sources.push({ name: `${folder} (${lines.length} docs)`, texts: lines.map((l) => { const d = JSON.parse(l) as { title?: string; text: string }; return `${d.title ?? ''}\n${d.text}`; }) });
}

const result: Record<string, { before: number; after: number; examplesBefore: string[]; examplesAfter: string[] }> = {};
for (const { name, texts } of sources) {
  const before = texts.flatMap(oldPhones);
  const after = texts.flatMap((t) => findPersonalData(t, { phoneCountries }).filter((f) => f.kind === 'phone').map((f) => t.slice(f.start, f.end)));
  result[name] = { before: before.length, after: after.length, examplesBefore: before.slice(0, 5), examplesAfter: after.slice(0, 20) };
  console.log(`${name}: before ${before.length}, after ${after.length}`);
}
console.log(JSON.stringify({ region: region ?? null, phoneCountries, ...result }));
