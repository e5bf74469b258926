/**
 * Ingestion speed through the real path (presigned upload → S3 event → ingest
 * handler → DynamoDB Local): time from upload to "ready" for a 100-page PDF and a
 * 5 MB Markdown corpus, and the process's peak memory while ingesting a ~25 MB PDF.
 * Run: npm run bench:ingest. Writes test/bench/results/ingest.json.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { startPlatform, type Platform } from '../../infra/local/platform.ts';

const WORDS = 'privacy retrieval answer document tenant encryption widget passage citation account owner visitor'.split(' ');
const sentence = (i: number) => Array.from({ length: 14 }, (_, j) => WORDS[(i * 7 + j * 3) % WORDS.length]).join(' ') + '.';

const makePdf = async (pages: number, linesPerPage: number, attachmentBytes = 0): Promise<Uint8Array> => {
  const pdf = await PDFDocument.create();
  // Real 25 MB PDFs are mostly images; an incompressible attachment stands in for them.
  if (attachmentBytes) await pdf.attach(randomBytes(attachmentBytes), 'scan-data.bin', { mimeType: 'application/octet-stream' });
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (let p = 0; p < pages; p++) {
    const page = pdf.addPage();
    for (let l = 0; l < linesPerPage; l++) page.drawText(`${p}.${l} ${sentence(p + l)}`, { x: 30, y: 780 - l * 11, size: 9, font });
  }
  return pdf.save({ useObjectStreams: false });
};

const makeMarkdown = (bytes: number): string => {
  const parts: string[] = [];
  let size = 0;
  for (let s = 0; size < bytes; s++) {
    const section = `## Section ${s}\n\n${Array.from({ length: 6 }, (_, i) => sentence(s + i)).join(' ')}\n\n`;
    parts.push(section);
    size += section.length;
  }
  return parts.join('');
};

const api = async <T>(p: Platform, method: string, url: string, token: string, body?: unknown): Promise<T> => {
  const res = await fetch(p.apiUrl + url, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
  return (await res.json()) as T;
};

/** Uploads and waits until ingestion settles; returns seconds from the PUT to "ready". */
const ingest = async (p: Platform, token: string, botId: string, name: string, contentType: string, bytes: Uint8Array) => {
  const ticket = await api<{ document: { docId: string }; upload: { url: string; headers: Record<string, string> } }>(p, 'POST', `/v1/bots/${botId}/documents`, token, { name, contentType, size: bytes.byteLength });
  const t = performance.now();
  await fetch(ticket.upload.url, { method: 'PUT', headers: ticket.upload.headers, body: bytes });
  await p.ingest.idle();
  const seconds = (performance.now() - t) / 1000;
  const { document } = await api<{ document: { status: string; chunkCount: number; error?: string } }>(p, 'GET', `/v1/bots/${botId}/documents/${ticket.document.docId}`, token);
  if (document.status !== 'ready') throw new Error(`${name}: ${document.status} ${document.error ?? ''}`);
  return { seconds: Math.round(seconds * 100) / 100, chunks: document.chunkCount };
};

const platform = await startPlatform({ logLevel: 'error' });
try {
  const { token } = await platform.identity.signIn('bench@example.com');
  await api(platform, 'POST', '/v1/account', token, {});
  const { bot } = await api<{ bot: { botId: string } }>(platform, 'POST', '/v1/bots', token, { name: 'Bench' });

  // The large PDF first, so the peak is measured on a process that has done little else.
  const big = await makePdf(300, 60, 23 * 1024 * 1024);
  const rssBefore = process.memoryUsage().rss;
  let peak = rssBefore;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  const bigRun = await ingest(platform, token, bot.botId, 'big.pdf', 'application/pdf', big);
  clearInterval(sampler);

  const pdf100 = await makePdf(100, 60);
  const pdfRun = await ingest(platform, token, bot.botId, 'handbook.pdf', 'application/pdf', pdf100);
  const md = new TextEncoder().encode(makeMarkdown(5 * 1024 * 1024));
  const mdRun = await ingest(platform, token, bot.botId, 'corpus.md', 'text/markdown', md);

  const MB = 1024 * 1024;
  const result = {
    measuredAt: new Date().toISOString(),
    machine: '2 cores; DynamoDB Local and the S3 emulator on loopback; local embedder',
    pdf100Pages: { bytes: pdf100.byteLength, secondsToReady: pdfRun.seconds, pagesPerSecond: Math.round(100 / pdfRun.seconds), chunks: pdfRun.chunks },
    markdown5MB: { bytes: md.byteLength, secondsToReady: mdRun.seconds, megabytesPerSecond: Math.round((md.byteLength / MB / mdRun.seconds) * 100) / 100, chunks: mdRun.chunks },
    pdfLarge: { bytes: big.byteLength, pages: 300, secondsToReady: bigRun.seconds, chunks: bigRun.chunks, rssBeforeMB: Math.round(rssBefore / MB), peakRssMB: Math.round(peak / MB), peakGrowthMB: Math.round((peak - rssBefore) / MB) },
  };
  await fs.writeFile(path.join(import.meta.dirname, 'results/ingest.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result));
} finally {
  await platform.stop();
}
