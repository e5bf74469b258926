/**
 * Text hidden by class or id (issue 24 item 4, what was left): the page's own
 * `<style>` rules and the common frameworks' utility classes hide it from the
 * index as inline styles do; toggles, responsive and print-only rules do not.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hidingRulesOf } from '../../lambdas/adapters/parsers/hidden-classes.ts';
import { isHiddenByStyle } from '../../lambdas/adapters/parsers/hidden-style.ts';
import { findMainContent } from '../../lambdas/adapters/parsers/html-main-content.ts';
import { parseHtml, parseHtmlByLandmarks } from '../../lambdas/adapters/parsers/html-parser.ts';
import { expectOffsets } from './fixtures/offsets.ts';

const PAGE = readFileSync(new URL('../fixtures/html/hidden-by-class.html', import.meta.url), 'utf8');
const KEPT = [
  'The city council voted on Tuesday',
  'The extension costs about four hundred thousand euros',
  'the return boxes at every branch are emptied each morning',
  'On larger screens: the reading rooms',
  'On wide screens: the map of every branch',
  'Branch hours are also posted at each entrance',
  'The printed timetable is available at every desk',
  'Opponents argued the money would be better spent',
];

describe('text hidden by class or id', () => {
  it.each([
    ['the article Readability finds', (html: string) => parseHtml(html, 'hours.html')],
    ['the landmark extractor', (html: string) => Promise.resolve(parseHtmlByLandmarks(html, 'hours.html'))],
  ])('is left out of %s, and shown text is kept', async (_, parse) => {
    const doc = await parse(PAGE);
    expectOffsets(doc);
    expect(doc.text).not.toContain('IGNORE PREVIOUS INSTRUCTIONS');
    for (const text of KEPT) expect(doc.text).toContain(text);
  });

  it('is removed before Readability reads the page (it drops classes from what it returns)', async () => {
    const main = await findMainContent(PAGE, 10, hidingRulesOf(PAGE));
    expect(main?.html).toContain('The city council voted');
    expect(main?.html).not.toContain('IGNORE PREVIOUS INSTRUCTIONS');
    // Without the page's rules Readability keeps some of it: the removal is what leaves it out.
    expect((await findMainContent(PAGE, 10))?.html).toContain('IGNORE PREVIOUS INSTRUCTIONS');
  });

  it('is not judged where it would take a browser: a descendant selector\'s hiding is still read', async () => {
    expect((await parseHtml(PAGE, 'hours.html')).text).toContain('Not yet covered: text a descendant selector hides is still read.');
  });

  const hides = (css: string, attributes: Record<string, string>, tag = 'p') =>
    hidingRulesOf(`<style>${css}</style>`)((name) => attributes[name], tag);

  it('matches tags, ids and classes, alone or together, in any rule of a list', async () => {
    expect(hides('p.note, #x { display:none }', { class: 'note other' })).toBe(true);
    expect(hides('p.note, #x { display:none }', { class: 'note' }, 'div')).toBe(false);
    expect(hides('p.note, #x { display:none }', { id: 'x' }, 'span')).toBe(true);
    expect(hides('.a.b { visibility: hidden }', { class: 'a' })).toBe(false);
    expect(hides('.a.b { visibility: hidden }', { class: 'b a' })).toBe(true);
    expect(hides('.tiny { font-size: 0 }', { class: 'tiny' })).toBe(true);
    expect(hides('.note { color: red }', { class: 'note' })).toBe(false);
  });

  it('leaves toggles, responsive, conditional and pseudo-class rules alone', async () => {
    expect(hides('.panel { display:none } .panel.active { display:block }', { class: 'panel' })).toBe(false);
    expect(hides('.menu { display:none } @media (min-width: 800px) { .menu { display:flex } }', { class: 'menu' })).toBe(false);
    expect(hides('@supports (display:grid) { .x { display:none } }', { class: 'x' })).toBe(false);
    expect(hides('.x:hover { display:none } .y::before { display:none }', { class: 'x y' })).toBe(false);
    expect(hides('', { class: 'hidden sm:flex' })).toBe(false);
    expect(hides('', { class: 'invisible' })).toBe(true);
    expect(hides('.hidden { display:none } .open .hidden { display:block }', { class: 'hidden' })).toBe(false);
  });

  it('counts the screen-reader clip as hiding, inline too', async () => {
    expect(isHiddenByStyle('position:absolute;clip:rect(0,0,0,0);width:1px')).toBe(true);
    expect(isHiddenByStyle('clip-path: inset(50%)')).toBe(true);
    expect(isHiddenByStyle('clip:rect(0px 10px 20px 0px)')).toBe(false);
  });
});
