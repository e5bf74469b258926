import { createHash } from 'node:crypto';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { tenantForSystem } from '../../lambdas/core/tenancy.ts';
import { ask, newOwner, uploadDocument, usePlatform } from './fixtures/platform.ts';

const pdfWithPages = async (pages: string[]): Promise<Uint8Array> => {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (const text of pages) pdf.addPage().drawText(text, { x: 50, y: 700, size: 12, font });
  return pdf.save();
};

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

describe('documents of every supported type, through the real upload path', () => {
  const platform = usePlatform();

  it('answers from a PDF and cites the page', async () => {
    const owner = await newOwner(platform());
    const bytes = await pdfWithPages([
      'Welcome to the handbook.',
      'Holidays: every employee gets twenty-eight days of paid leave.',
      'Expenses are reimbursed within ten days.',
    ]);
    const doc = await uploadDocument(platform(), owner, 'handbook.pdf', bytes, 'application/pdf');
    expect(doc).toMatchObject({ status: 'ready', pageCount: 3, chunkCount: 3 });
    const reply = await ask(platform(), owner.publicId, 'How many days of paid leave do employees get?');
    expect(reply.answer).toContain('twenty-eight days of paid leave');
    expect(reply.sources[0]).toMatchObject({ document: 'handbook.pdf', page: 2 });
  });

  it('reads the main text of an HTML page, without scripts or navigation', async () => {
    const owner = await newOwner(platform());
    const html = '<html><head><title>Returns</title><script>var secret="tracking";</script></head><body><nav>Home | Shop</nav><main><h1>Returns</h1><p>Returns are free for 60 days.</p></main><footer>© Shop</footer></body></html>';
    const doc = await uploadDocument(platform(), owner, 'returns.html', html, 'text/html');
    expect(doc.status).toBe('ready');
    const reply = await ask(platform(), owner.publicId, 'Are returns free?');
    expect(reply.answer).toContain('Returns are free for 60 days.');
    expect(reply.text).not.toContain('tracking');
  });

  it('turns each CSV row into a self-describing passage', async () => {
    const owner = await newOwner(platform());
    const csv = 'Product,Price,Warranty\nKettle,29 EUR,2 years\nToaster,39 EUR,3 years\n';
    const doc = await uploadDocument(platform(), owner, 'prices.csv', csv, 'text/csv');
    expect(doc.status).toBe('ready');
    expect((await ask(platform(), owner.publicId, 'What warranty does the toaster have?')).answer).toContain('Warranty: 3 years');
  });

  it('makes a passage of each of five CSV rows and cites the row a question is about', async () => {
    const owner = await newOwner(platform());
    const csv = [
      'Model,Price,Frame,Delivery',
      'Trail 300,899 EUR,aluminium,3 days',
      'Trail 400,1099 EUR,aluminium,5 days',
      'Kids 20,349 EUR,steel with training wheels,2 days',
      'Trail 500,1499 EUR,carbon,10 days',
      'City 200,699 EUR,steel,4 days',
    ].join('\n');
    const doc = await uploadDocument(platform(), owner, 'bikes.csv', csv, 'text/csv');
    expect(doc).toMatchObject({ status: 'ready', chunkCount: 5 });
    const reply = await ask(platform(), owner.publicId, 'Which frame does the Kids 20 have?');
    expect(reply.answer).toContain('Frame: steel with training wheels');
    // Every number the answer cites is a source on row 3, the Kids 20's.
    const cited = [...reply.answer.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]));
    expect(cited.length).toBeGreaterThan(0);
    for (const n of cited) expect(reply.sources.find((s) => s.n === n)).toMatchObject({ document: 'bikes.csv', section: 'Row 3' });
  });

  it('refuses a PDF declared as a Word file, and a damaged PDF, with reasons', async () => {
    const owner = await newOwner(platform());
    const pdf = await pdfWithPages(['Hello']);
    expect(await uploadDocument(platform(), owner, 'notes.docx', pdf, DOCX)).toMatchObject({
      status: 'failed', error: expect.stringMatching(/^The name of this file says it is a Word document, but its contents look like a PDF\. /) as string,
    });
    expect(await uploadDocument(platform(), owner, 'broken.pdf', pdf.subarray(0, 200), 'application/pdf')).toMatchObject({
      status: 'failed', error: 'This PDF is damaged and cannot be read.',
    });
    expect(await uploadDocument(platform(), owner, 'scan.pdf', await pdfWithPages(['', '']), 'application/pdf')).toMatchObject({
      status: 'failed', error: expect.stringContaining('no text layer') as string,
    });
  });

  it('refuses a second upload of the same content, naming the document that has it', async () => {
    const owner = await newOwner(platform());
    const first = await uploadDocument(platform(), owner, 'faq.md', '# FAQ\n\nSame words.\n');
    const second = await uploadDocument(platform(), owner, 'faq copy.md', '# FAQ\n\nSame words.\n');
    expect(first.status).toBe('ready');
    expect(second).toMatchObject({ status: 'failed', error: 'This file has the same content as "faq.md", which this bot already has.' });
    expect((await ask(platform(), owner.publicId, 'same words')).sources.map((s) => s.docId)).toEqual([first.docId]);
    // Deleting the first forgets its content (no mark of it is left), so the same file is welcome again.
    expect((await owner.request('DELETE', `/v1/bots/${owner.botId}/documents/${first.docId}`)).status).toBe(204);
    const tenant = tenantForSystem(owner.accountId);
    expect(await platform().deps.documents.contentHolder(tenant, owner.botId, createHash('sha256').update('# FAQ\n\nSame words.\n').digest('hex'))).toBeNull();
    expect((await uploadDocument(platform(), owner, 'faq again.md', '# FAQ\n\nSame words.\n')).status).toBe('ready');
  });
});
