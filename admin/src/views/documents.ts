/**
 * Training data: drag-and-drop uploads with a progress bar per file, every
 * document's live status (polled while any is still processing), pasted text,
 * Q&A pairs and websites.
 */
import { api, messageOf, uploadFile } from '../api.ts';
import type { PageContext } from '../context.ts';
import { h, icon, mount, uid } from '../dom.ts';
import type { Bot, DocumentRecord, NewSource } from '../types.ts';
import { badge, busy, button, confirmAction, empty, failure, field, formatBytes, formatDate, formatNumber, loading, notify, plainError, plural, roleNote, VIEWER_NOTE } from '../ui.ts';

const TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  html: 'text/html',
  htm: 'text/html',
  md: 'text/markdown',
  markdown: 'text/markdown',
  csv: 'text/csv',
  txt: 'text/plain',
  text: 'text/plain',
};
const ACCEPT = Object.keys(TYPES).map((e) => `.${e}`).join(',');
const MAX_BYTES = 25 * 1024 * 1024;
const POLL_MS = 1000;
/** The upload link's lifetime (15 minutes) and a little more. */
const UPLOAD_WAIT_MS = 16 * 60 * 1000;

/** The longest text the API takes in one piece (lambdas/http: `text` of a text source). */
const MAX_TEXT_CHARS = 200_000;
/** The API's limit on a request body. */
const MAX_BODY_BYTES = 256 * 1024;
/** The API's field names in the "Add more" forms, as the page labels them. */
const SOURCE_LABELS: Record<string, string> = { title: 'Title', text: 'Text', pairs: 'Questions & answers', url: 'Website address', maxPages: 'At most this many pages' };

/**
 * A document refused because another document of the bot has the same content
 * (lambdas/core/ingestion.ts): processing it again would fail the same way.
 */
const isDuplicate = (doc: DocumentRecord): boolean => doc.status === 'failed' && /^This file has the same content as /.test(doc.error ?? '');

/** Whether "Process again" could change anything: not for a failure of the file itself (older records lack the flag). */
const canProcessAgain = (doc: DocumentRecord): boolean =>
  doc.status === 'ready' || (doc.status === 'failed' && doc.retryable !== false && !isDuplicate(doc));

/** What became of a document, for screen readers, in words. */
const statusWords = (doc: DocumentRecord): string =>
  doc.status === 'ready' ? `${doc.name} is ready: your bot answers from it now.`
    : doc.status === 'failed' ? `${doc.name} could not be used: ${doc.error ?? 'it could not be read.'}`
      : doc.status === 'processing' ? `${doc.name} is being read.`
        : `${doc.name} is waiting for its upload.`;

/** The content type the API expects, from the file's extension (browsers leave `.md` untyped). */
const contentTypeOf = (file: File): string | undefined => TYPES[file.name.toLowerCase().split('.').pop() ?? ''];

const PII_WORDS: Record<string, [string, string]> = {
  email: ['e-mail address', 'e-mail addresses'],
  phone: ['phone number', 'phone numbers'],
  card: ['card number', 'card numbers'],
  iban: ['bank account number (IBAN)', 'bank account numbers (IBAN)'],
  national_id: ['national id number', 'national id numbers'],
};

const SOURCE_LABEL: Record<string, string> = { upload: 'File', text: 'Pasted text', qa: 'Questions & answers', website: 'Website' };

/** What this page knows of an upload it is making: the API still says "awaiting upload" until the file is in. */
type LocalUpload = 'uploading' | 'uploaded';

const statusBadge = (doc: DocumentRecord, local?: LocalUpload): HTMLElement => {
  if (doc.status === 'awaiting_upload' && local) return badge(local === 'uploading' ? 'Uploading…' : 'Processing…', 'info');
  switch (doc.status) {
    case 'ready': return badge('Ready', 'ok');
    case 'failed': return badge('Failed', 'bad');
    case 'processing': return badge(doc.source === 'website' ? 'Reading the website…' : 'Processing…', 'info');
    default: return badge('Waiting for upload', 'muted');
  }
};

const personalData = (doc: DocumentRecord): HTMLElement | null => {
  const found = Object.entries(doc.personalData ?? {}).filter(([, n]) => (n ?? 0) > 0);
  if (!found.length) return null;
  const words = found.map(([kind, n]) => {
    const [one, many] = PII_WORDS[kind] ?? [kind, kind];
    return `${n} ${n === 1 ? one : many}`;
  });
  return h('p', { class: 'pii' }, icon('warn'), h('span', null, `May contain personal data: ${words.join(', ')}. Visitors could see it in answers; remove it from the file, or turn on masking under Keys & privacy.`));
};

const docFacts = (doc: DocumentRecord): string => {
  const parts: string[] = [SOURCE_LABEL[doc.source ?? 'upload'] ?? 'File'];
  if (doc.label && doc.label !== doc.name) parts.push(`visitors see “${doc.label}”`);
  if (doc.source === 'upload' || !doc.source) parts.push(formatBytes(doc.size));
  if (doc.pageCount) parts.push(plural(doc.pageCount, 'page'));
  if (doc.status === 'ready') parts.push(plural(doc.chunkCount, 'passage'));
  parts.push(`added ${formatDate(doc.createdAt)}`);
  return parts.join(' · ');
};

interface UploadRow { el: HTMLElement; bar: HTMLProgressElement; status: HTMLElement }

const uploadRow = (file: File): UploadRow => {
  const labelId = uid('up');
  const bar = h('progress', { max: '100', value: '0', 'aria-labelledby': labelId });
  const status = h('span', { class: 'muted small' }, 'Waiting…');
  const el = h('li', { class: 'upload-row' },
    h('div', { class: 'upload-top' }, h('span', { id: labelId, class: 'name' }, file.name), status),
    bar);
  return { el, bar, status };
};

export const renderDocuments = (body: HTMLElement, ctx: PageContext, bot: Bot): void => {
  const { botId } = bot;
  const list = h('div', { class: 'doc-list' }, loading('your training data'));
  const uploads = h('ul', { class: 'uploads', 'aria-label': 'Uploads' });
  const live = h('p', { class: 'sr-only', 'aria-live': 'polite' });
  let timer: ReturnType<typeof setTimeout> | undefined;
  let left = false;
  let lastStatus = new Map<string, string>();
  const uploading = new Map<string, LocalUpload>();
  ctx.onLeave(() => {
    left = true;
    clearTimeout(timer);
  });

  const docRow = (doc: DocumentRecord): HTMLElement => {
    const reingest = button('Process again', () => void busy(reingest, async () => {
      await api('POST', '/v1/bots/{botId}/documents/{docId}/reingest', { params: { botId, docId: doc.docId } });
      notify(`${doc.name} is being read again.`);
      await refresh();
    }), { kind: 'ghost', icon: 'refresh', label: `Process again ${doc.name}` });
    const remove = button('Delete', () => void (async () => {
      if (!(await confirmAction(`Delete “${doc.name}”?`, 'Your bot stops using it at once. The file and everything learned from it are erased. This cannot be undone.', 'Delete document'))) return;
      await busy(remove, async () => {
        await api('DELETE', '/v1/bots/{botId}/documents/{docId}', { params: { botId, docId: doc.docId } });
        notify(`${doc.name} was deleted.`);
        await refresh();
      });
    })(), { kind: 'ghost', icon: 'trash', label: `Delete ${doc.name}` });
    const crawl = doc.source === 'website' && doc.crawl && doc.status === 'processing'
      ? h('p', { class: 'muted small' }, `${plural(doc.crawl.fetched, 'page')} read, ${doc.crawl.queued} waiting, ${doc.crawl.skipped} skipped`)
      : null;
    return h('li', { class: `doc ${doc.status}`, 'data-doc': doc.docId },
      h('span', { class: 'doc-icon', 'aria-hidden': 'true' }, icon(doc.source === 'website' ? 'globe' : 'file')),
      h('div', { class: 'doc-main' },
        h('p', { class: 'name' }, doc.name, ' ', statusBadge(doc, uploading.get(doc.docId))),
        h('p', { class: 'muted small' }, docFacts(doc)),
        crawl,
        doc.status === 'failed' ? h('p', { class: 'doc-error' }, doc.error ?? 'This document could not be read.') : null,
        personalData(doc)),
      ctx.can('admin') ? h('div', { class: 'doc-actions' }, canProcessAgain(doc) ? reingest : null, remove) : null);
  };

  let inFlight: Promise<void> | undefined;
  let again = false;
  /** Reloads the list; calls while one is in flight coalesce into one more. */
  const refresh = (): Promise<void> => {
    if (inFlight) {
      again = true;
      return inFlight;
    }
    inFlight = reload().finally(() => {
      inFlight = undefined;
      if (again && !left) {
        again = false;
        void refresh();
      }
    });
    return inFlight;
  };

  const reload = async (): Promise<void> => {
    clearTimeout(timer);
    let docs: DocumentRecord[];
    try {
      docs = (await api('GET', '/v1/bots/{botId}/documents', { params: { botId } })).documents;
    } catch (err) {
      if (!left) mount(list, failure(err, () => void refresh()));
      return;
    }
    if (left) return;
    // Announce documents that just finished, once.
    const next = new Map(docs.map((d) => [d.docId, d.status]));
    for (const d of docs) {
      const before = lastStatus.get(d.docId);
      const finished = d.status === 'ready' || d.status === 'failed';
      // A file this page uploaded can finish before any listing saw it pending: it is news too.
      const changed = before ? before !== d.status : uploading.get(d.docId) === 'uploaded';
      if (finished && changed) live.textContent = statusWords(d);
      if (finished) uploading.delete(d.docId);
    }
    lastStatus = next;
    docs.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    mount(list, docs.length
      ? h('ul', { class: 'docs', 'aria-label': 'Documents' }, ...docs.map(docRow))
      : empty('No training data yet', ctx.can('admin') ? 'Drop files above, paste some text, or add your website. Your bot answers only from what you give it.' : 'Nobody has given this bot any documents yet.'));
    const ready = docs.filter((d) => d.status === 'ready');
    summary.textContent = docs.length ? `${plural(ready.length, 'document')} ready · ${plural(ready.reduce((n, d) => n + d.chunkCount, 0), 'passage')}` : '';
    // An upload that never arrived stops being waited for once its link has expired.
    const waiting = (d: DocumentRecord) => d.status === 'processing' || (d.status === 'awaiting_upload' && Date.now() - Date.parse(d.createdAt) < UPLOAD_WAIT_MS);
    if (docs.some(waiting)) timer = setTimeout(() => void refresh(), POLL_MS);
  };

  const startUpload = async (file: File): Promise<void> => {
    const row = uploadRow(file);
    uploads.append(row.el);
    const fail = (message: string) => {
      row.el.classList.add('failed');
      row.status.textContent = message;
      row.bar.remove();
    };
    const type = contentTypeOf(file);
    if (!type) return fail('This type of file cannot be used. Use PDF, Word, HTML, Markdown, CSV or plain text.');
    if (file.size === 0) return fail('The file is empty.');
    if (file.size > MAX_BYTES) return fail('The file is larger than 25 MB.');
    let docId: string | undefined;
    try {
      row.status.textContent = 'Preparing…';
      const ticket = await api('POST', '/v1/bots/{botId}/documents', { params: { botId }, body: { name: file.name, contentType: type, size: file.size } });
      docId = ticket.document.docId;
      uploading.set(docId, 'uploading');
      row.status.textContent = 'Uploading…';
      await uploadFile(ticket.upload.url, ticket.upload.headers, file, (f) => {
        row.bar.value = Math.round(f * 100);
        row.status.textContent = f < 1 ? `Uploading… ${Math.round(f * 100)}%` : 'Uploaded';
      });
      uploading.set(ticket.document.docId, 'uploaded');
      row.el.classList.add('done');
      row.status.textContent = 'Uploaded — now reading it';
      setTimeout(() => row.el.remove(), 4000);
      void refresh();
    } catch (err) {
      if (docId) uploading.delete(docId);
      fail(messageOf(err));
    }
  };

  const startUploads = (files: FileList | null) => {
    for (const file of Array.from(files ?? [])) void startUpload(file);
  };

  const input = h('input', { type: 'file', multiple: true, accept: ACCEPT, class: 'file-input', id: uid('file'), 'aria-describedby': 'drop-hint' });
  input.addEventListener('change', () => {
    startUploads(input.files);
    input.value = '';
  });
  const zone = h('div', { class: 'dropzone' },
    icon('upload'),
    h('p', { class: 'drop-title' }, 'Drag files here, or ', h('label', { for: input.id, class: 'link' }, 'choose files'), input),
    h('p', { class: 'hint', id: 'drop-hint' }, 'PDF, Word, HTML, Markdown, CSV or plain text, up to 25 MB each. Several at once is fine.'));
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    startUploads(e.dataTransfer?.files ?? null);
  });

  const summary = h('p', { class: 'muted' });
  const docsCard = h('section', { class: 'card' }, h('div', { class: 'card-head' }, h('h2', null, 'Your training data'), summary), list, live);
  if (ctx.can('admin')) {
    mount(body,
      h('section', { class: 'card' }, h('h2', null, 'Upload files'), zone, uploads),
      docsCard,
      addSources(botId, () => void refresh()));
  } else mount(body, roleNote(VIEWER_NOTE), docsCard);
  void refresh();
};

/** Pasted text, Q&A pairs and a website, each behind a disclosure. */
const addSources = (botId: string, added: () => void): HTMLElement => {
  const submitWith = (form: HTMLFormElement, submit: HTMLButtonElement, error: HTMLElement, body: () => NewSource | string) => {
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      error.textContent = '';
      const payload = body();
      if (typeof payload === 'string') {
        error.textContent = payload;
        return;
      }
      void busy(submit, async () => {
        try {
          await api('POST', '/v1/bots/{botId}/sources', { params: { botId }, body: payload });
          form.reset();
          notify('Added. Your bot is reading it now.');
          added();
        } catch (err) {
          error.textContent = plainError(err, SOURCE_LABELS);
        }
      });
    });
  };

  const title = h('input', { type: 'text', required: true, maxlength: '196', placeholder: 'Opening hours' });
  const text = h('textarea', { rows: '6', required: true, placeholder: 'We are open Monday to Friday, 9:00 to 17:00…' });
  const textError = h('p', { class: 'form-error', role: 'alert' });
  const textSubmit = button('Add text', () => undefined, { kind: 'primary', type: 'submit' });
  const textField = field('Text', text, `Up to ${formatNumber(MAX_TEXT_CHARS)} characters in one piece; split longer texts into several.`);
  // A live count of what is typed or pasted (read with the field's description, not announced on every key).
  const counter = h('p', { class: 'hint char-count', id: uid('count') });
  text.setAttribute('aria-describedby', `${text.getAttribute('aria-describedby') ?? ''} ${counter.id}`.trim());
  const count = () => {
    const n = text.value.length;
    counter.textContent = `${formatNumber(n)} of ${formatNumber(MAX_TEXT_CHARS)} characters`;
    counter.classList.toggle('over', n > MAX_TEXT_CHARS);
    if (n > MAX_TEXT_CHARS) text.setAttribute('aria-invalid', 'true');
    else text.removeAttribute('aria-invalid');
  };
  text.addEventListener('input', count);
  count();
  textField.append(counter);
  const textForm = h('form', { class: 'stack', novalidate: true }, field('Title', title), textField, textError, textSubmit);
  textForm.addEventListener('reset', () => queueMicrotask(count));
  submitWith(textForm, textSubmit, textError, () => {
    if (!title.value.trim() || !text.value.trim()) return 'Give the text a title and some content.';
    if (text.value.length > MAX_TEXT_CHARS) return `This text is longer than ${formatNumber(MAX_TEXT_CHARS)} characters. Split it into several pieces.`;
    const payload: NewSource = { kind: 'text', title: title.value.trim(), text: text.value };
    if (new TextEncoder().encode(JSON.stringify(payload)).byteLength > MAX_BODY_BYTES) return 'This text is too large to send in one piece (at most 256 KB). Split it into several pieces.';
    return payload;
  });

  const qaTitle = h('input', { type: 'text', required: true, maxlength: '196', placeholder: 'Frequently asked questions' });
  const pairs = h('div', { class: 'pairs' });
  const addPair = () => {
    const n = pairs.children.length + 1;
    const q = h('input', { type: 'text', class: 'q', maxlength: '1000' });
    const a = h('textarea', { rows: '2', class: 'a', maxlength: '10000' });
    pairs.append(h('fieldset', { class: 'pair' }, h('legend', null, `Pair ${n}`), field('Question', q), field('Answer', a)));
  };
  addPair();
  const qaError = h('p', { class: 'form-error', role: 'alert' });
  const qaSubmit = button('Add questions & answers', () => undefined, { kind: 'primary', type: 'submit' });
  const qaForm = h('form', { class: 'stack', novalidate: true }, field('Title', qaTitle), pairs,
    button('Add another pair', addPair, { icon: 'plus', kind: 'ghost' }), qaError, qaSubmit);
  submitWith(qaForm, qaSubmit, qaError, () => {
    const list = Array.from(pairs.querySelectorAll('.pair')).map((p) => ({
      question: p.querySelector<HTMLInputElement>('.q')!.value.trim(),
      answer: p.querySelector<HTMLTextAreaElement>('.a')!.value.trim(),
    })).filter((p) => p.question || p.answer);
    if (!qaTitle.value.trim()) return 'Give the questions a title.';
    if (!list.length || list.some((p) => !p.question || !p.answer)) return 'Every pair needs a question and an answer.';
    return { kind: 'qa', title: qaTitle.value.trim(), pairs: list };
  });

  const url = h('input', { type: 'url', required: true, placeholder: 'https://www.example.com', inputmode: 'url' });
  const maxPages = h('input', { type: 'number', min: '1', max: '200', value: '50' });
  const webError = h('p', { class: 'form-error', role: 'alert' });
  const webSubmit = button('Add website', () => undefined, { kind: 'primary', type: 'submit', icon: 'globe' });
  const webForm = h('form', { class: 'stack', novalidate: true },
    field('Website address', url, 'A page or a sitemap. Parley reads pages of the same site only, politely, and follows your robots.txt.'),
    field('At most this many pages', maxPages, 'From 1 to 200.'), webError, webSubmit);
  submitWith(webForm, webSubmit, webError, () => {
    const n = Number(maxPages.value);
    if (!/^https?:\/\/\S+$/i.test(url.value.trim())) return 'Enter the full address, starting with https://';
    if (!Number.isInteger(n) || n < 1 || n > 200) return 'Choose between 1 and 200 pages.';
    return { kind: 'website', url: url.value.trim(), maxPages: n };
  });

  return h('section', { class: 'card' },
    h('h2', null, 'Add more'),
    h('details', { class: 'disclosure' }, h('summary', null, 'Paste text'), textForm),
    h('details', { class: 'disclosure' }, h('summary', null, 'Questions & answers'), qaForm),
    h('details', { class: 'disclosure' }, h('summary', null, 'A website'), webForm));
};
