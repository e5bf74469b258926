import { describe, expect, it } from 'vitest';
import { buildLexicalSegment, openLexicalSegment, termIdf } from '../../lambdas/core/lexical-index.ts';
import { planQuote, quotableSentences } from '../../lambdas/core/quoting.ts';

/** A small shop's documents: "cost", "battery" and "bike" are common, model names and "children" rare. */
const DOCS = [
  'Trail 500\n\nThe Trail 500 is a hardtail mountain bike with a 500 Wh battery. The Trail 500 costs 2,499 euros. It weighs 23 kilograms.',
  'Batteries\n\nA replacement 500 Wh battery costs 649 euros. Battery charging takes four hours. Old batteries are recycled free of charge.',
  'City 300\n\nThe City 300 is a step-through city bike. It costs 1,899 euros with a 400 Wh battery. Its lights run from the battery.',
  'Service\n\nA yearly service costs 89 euros and includes new brake pads. Bikes serviced before March come back within a week.',
  'Privacy\n\nWe keep the list of customers for warranty claims only. The list of children attending our riding course is deleted after the course.',
];
const passagesOf = (docs: readonly string[]) => docs.map((text) => ({ text, section: text.split('\n')[0] }));
const index = [openLexicalSegment(buildLexicalSegment(DOCS))];
const plan = (question: string, docs = DOCS) => planQuote(question, passagesOf(docs), termIdf(index, question));
const said = (question: string, docs = DOCS) => plan(question, docs)?.sentences.map((s) => s.text);

describe('planning a quotation (the local answerer)', () => {
  it('weighs a question’s terms by their idf over the bot’s index, an unseen one as much as the rarest', () => {
    const weights = termIdf(index, 'battery children dragon');
    expect(weights.get('children')).toBeGreaterThan(weights.get('batteri')!);
    expect(weights.get('dragon')).toBe(weights.get('children'));
  });

  it('quotes the passage that holds the question’s key terms, not one that shares a common word', () => {
    expect(plan('How much does the Trail 500 cost?')).toMatchObject({ passage: 0 });
    expect(said('How much does the Trail 500 cost?')).toContain('The Trail 500 costs 2,499 euros.');
    expect(said('How much does a replacement battery cost?')).toEqual(['A replacement 500 Wh battery costs 649 euros.']);
  });

  it('quotes sentences of one passage only, in document order, each naming a key term', () => {
    const result = plan('How much does the City 300 cost, and what battery does the City 300 have?')!;
    expect(result.passage).toBe(2);
    expect(result.sentences.map((s) => s.position)).toEqual([...result.sentences.map((s) => s.position)].sort((a, b) => a - b));
    for (const s of result.sentences) expect(DOCS[2]).toContain(s.text);
    expect(result.sentences.map((s) => s.text)).not.toContain('City 300');
  });

  it('declines a question about something the documents never name, even when it shares a word with them', () => {
    expect(plan('Do you sell bikes for children?')).toBeNull();
    expect(plan('How much does a dragon cost?')).toBeNull();
    expect(plan('Who painted the Mona Lisa?')).toBeNull();
  });

  it('declines a question with no words to look for, and an empty set of passages', () => {
    expect(plan('?!')).toBeNull();
    expect(planQuote('How much does the Trail 500 cost?', [], new Map())).toBeNull();
  });

  it('never quotes a heading or label line', () => {
    expect(said('What is the Trail 500?')).not.toContain('Trail 500');
    expect(said('What is the Trail 500?')).toContain('The Trail 500 is a hardtail mountain bike with a 500 Wh battery.');
  });

  it('reads a passage with the rest of its document: a term only its other section holds counts for half', () => {
    // Two sections of one page, every term as rare as the others: "open" is only in the first.
    const page = ['# Hours\n\nThe shop opens at nine in the morning.', '# Sundays\n\nOn Sundays the shop is closed all day.'];
    const segments = [openLexicalSegment(buildLexicalSegment(page))];
    const question = 'Is it open on Sundays?';
    const sameDocument = page.map((text) => ({ text, docId: 'page' }));
    expect(planQuote(question, sameDocument, termIdf(segments, question))?.sentences.map((s) => s.text)).toEqual(['On Sundays the shop is closed all day.']);
    // The same sections as two unrelated documents: half the question is missing from each, so no quotation.
    const twoDocuments = page.map((text, i) => ({ text, docId: `doc${i}` }));
    expect(planQuote(question, twoDocuments, termIdf(segments, question))).toBeNull();
  });

  it('does not cut a quoted sentence at an abbreviation or before a lower-case continuation', () => {
    const text = 'The efforts were led by the U.S. Department of State. Some cells (e.g. melanocytes) become tumours. Next one.\nA line of its own. Dr. Koch won.';
    const sentences = quotableSentences(text).map(([s, e]) => text.slice(s, e));
    expect(sentences).toEqual([
      'The efforts were led by the U.S. Department of State.',
      'Some cells (e.g. melanocytes) become tumours.',
      'Next one.',
      'A line of its own.',
      'Dr. Koch won.',
    ]);
    const passage = { text: 'Its efforts were centred in the U.S. Department of State. Nothing else.' };
    expect(planQuote('Which department led the efforts?', [passage])?.sentences.map((s) => s.text)).toEqual(['Its efforts were centred in the U.S. Department of State.']);
  });

  it('compares words without their accents, whichever side has them', () => {
    const docs = ['Tugh Temür founded the Academy of the Pavilion of the Star of Literature in 1329.', 'Mongke Khan died in 1259 during a siege.'];
    const segments = [openLexicalSegment(buildLexicalSegment(docs))];
    const ask = (question: string) => planQuote(question, docs.map((text) => ({ text })), termIdf(segments, question))?.sentences.map((s) => s.text);
    expect(ask('What academy did Tugh Temur found?')).toEqual([docs[0]]);
    expect(ask('When did Möngke Khan die?')).toEqual([docs[1]]);
  });

  it('completes the best sentence with the next one when it refers back and shares a question term', () => {
    const passage = {
      text: 'Another role of the immune system is to identify and eliminate tumors. This is called immune surveillance. It was named in 1957. Tumors can also evade it.',
    };
    // "called" and "immune" are common words of this bot: the sentence is no follower of its own.
    const weights = new Map([['process', 3], ['immun', 1], ['system', 1], ['identifi', 3], ['tumor', 4], ['call', 1]]);
    const said = planQuote('What is the process by which the immune system identifies tumors called?', [passage], weights)?.sentences.map((s) => s.text);
    expect(said).toContain('This is called immune surveillance.');
    // "It was named in 1957." refers back too, but to the sentence before it, and shares no question term.
    expect(said).not.toContain('It was named in 1957.');
    expect(said![0]).toBe('Another role of the immune system is to identify and eliminate tumors.');
    // Right after the best sentence, a sentence that refers back but shares no question term is not said.
    const other = { text: 'The immune system can identify tumors by their antigens. It was named in 1957.' };
    expect(planQuote('How does the immune system identify tumors?', [other], weights)?.sentences.map((s) => s.text)).toEqual(['The immune system can identify tumors by their antigens.']);
  });

  it('quotes the better-ranked of two nearly equal passages', () => {
    const weights = new Map([['shop', 3], ['open', 3], ['sundai', 3], ['earli', 0.2]]);
    const first = { text: 'The shop is open on Sundays.' };
    const second = { text: 'The shop is open early on Sundays.' };
    expect(planQuote('Is the shop open early on Sundays?', [first, second], weights)?.passage).toBe(0);
    // A clearly better passage wins from further down.
    expect(planQuote('Is the shop open early on Sundays?', [first, second], new Map([...weights, ['earli', 3]]))?.passage).toBe(1);
  });

  it('does not count the words that ask for a kind or type as what the question is about', () => {
    const passage = { text: 'It has a 500 Wh battery.' };
    for (const question of ['What kind of battery is it?', 'What type of battery is it?', 'What sort of battery is it?']) {
      expect(planQuote(question, [passage])?.sentences.map((s) => s.text)).toEqual(['It has a 500 Wh battery.']);
    }
  });
});

