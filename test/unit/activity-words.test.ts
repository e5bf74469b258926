// The panel's sentences for stored records: document events named by the document and its kind of source,
// and a conversation started outside a web page not said to be "on none".
import { describe, expect, it } from 'vitest';
import { conversationStart, documentActivity } from '../../admin/src/describe.ts';

describe('the activity log’s words for document events', () => {
  const entry = (action: string, source?: string) => ({ action, detail: { document: 'Returns policy.txt', ...(source ? { source } : {}) } });

  it('names the document an event was about, deleted ones included', () => {
    expect(documentActivity(entry('document.upload', 'upload'))).toBe('Uploaded “Returns policy.txt”');
    expect(documentActivity(entry('document.delete', 'upload'))).toBe('Deleted “Returns policy.txt”');
    expect(documentActivity(entry('document.reingest', 'website'))).toBe('Processed “Returns policy.txt” again');
  });

  it('says which kind of source was added: pasted text, Q&A, a website or an improved answer', () => {
    const said = ['text', 'qa', 'website', 'improved_answer'].map((s) => documentActivity(entry('document.source', s)));
    expect(said).toEqual([
      'Added pasted text: “Returns policy.txt”',
      'Added questions and answers: “Returns policy.txt”',
      'Added a website: “Returns policy.txt”',
      'Improved an answer: “Returns policy.txt”',
    ]);
  });

  it('leaves older entries without a name, and other events, to the general words', () => {
    expect(documentActivity({ action: 'document.delete' })).toBeUndefined();
    expect(documentActivity({ action: 'bot.update', detail: { document: 'x' } })).toBeUndefined();
  });
});

describe('where a conversation was started', () => {
  it('names the page’s origin, and says so when there was no page rather than “on none”', () => {
    expect(conversationStart('5 Dec 2026, 10:00', 'https://shop.example')).toBe('Started 5 Dec 2026, 10:00 on https://shop.example');
    expect(conversationStart('5 Dec 2026, 10:00', 'none')).toBe('Started 5 Dec 2026, 10:00, not from a web page');
    expect(conversationStart('5 Dec 2026, 10:00', '')).not.toContain('none');
  });
});
