import { describe, expect, it } from 'vitest';
import { visitorLabelOf } from '../../lambdas/core/document-label.ts';

describe('the name visitors see for a document', () => {
  it('is the owner’s label when there is one', () => {
    expect(visitorLabelOf({ name: 'Improved answer: Do you sell bikes?.md', source: 'qa', label: 'Do you sell bikes?' })).toBe('Do you sell bikes?');
  });

  it('is the title of typed text and Q&A without the extension Parley added, for documents without a label', () => {
    expect(visitorLabelOf({ name: 'Opening hours.txt', source: 'text' })).toBe('Opening hours');
    expect(visitorLabelOf({ name: 'FAQ.md', source: 'qa' })).toBe('FAQ');
    expect(visitorLabelOf({ name: '.md', source: 'qa' })).toBe('.md');
  });

  it('is the name of an uploaded file or website as it was given', () => {
    expect(visitorLabelOf({ name: 'notes.md', source: 'upload' })).toBe('notes.md');
    expect(visitorLabelOf({ name: 'handbook.pdf' })).toBe('handbook.pdf');
    expect(visitorLabelOf({ name: 'example.com/help', source: 'website' })).toBe('example.com/help');
  });
});
