import { describe, expect, it } from 'vitest';
import { matches, parseRobots } from '../../lambdas/adapters/web/robots.ts';

describe('parseRobots', () => {
  it('allows everything for an empty file or an empty Disallow', () => {
    expect(parseRobots('').isAllowed('/anything')).toBe(true);
    const robots = parseRobots('User-agent: *\nDisallow:\n');
    expect(robots.isAllowed('/')).toBe(true);
    expect(robots.isAllowed('/private/x')).toBe(true);
  });

  it('disallows by prefix and lets the longest match win, Allow winning a tie', () => {
    const robots = parseRobots([
      'User-agent: *',
      'Disallow: /private',
      'Allow: /private/open',
      'Disallow: /private/open/secret',
      'Allow: /tie',
      'Disallow: /tie',
    ].join('\n'));
    expect(robots.isAllowed('/public')).toBe(true);
    expect(robots.isAllowed('/private')).toBe(false);
    expect(robots.isAllowed('/private/x')).toBe(false);
    expect(robots.isAllowed('/privately')).toBe(false);
    expect(robots.isAllowed('/private/open/page')).toBe(true);
    expect(robots.isAllowed('/private/open/secret.html')).toBe(false);
    expect(robots.isAllowed('/tie')).toBe(true);
  });

  it('supports * and $ wildcards', () => {
    const robots = parseRobots('User-agent: *\nDisallow: /*.pdf$\nDisallow: /search*q=\nDisallow: /exact$\n');
    expect(robots.isAllowed('/docs/a.pdf')).toBe(false);
    expect(robots.isAllowed('/docs/a.pdf?x=1')).toBe(true);
    expect(robots.isAllowed('/docs/a.pdfx')).toBe(true);
    expect(robots.isAllowed('/search?lang=en&q=x')).toBe(false);
    expect(robots.isAllowed('/search')).toBe(true);
    expect(robots.isAllowed('/exact')).toBe(false);
    expect(robots.isAllowed('/exact/more')).toBe(true);
    expect(matches('/a*b*c', '/a-x-b-y-c-z')).toBe(true);
    expect(matches('/a*b*c$', '/a-x-b-y-c-z')).toBe(false);
    // Many stars against a long non-matching path finish promptly (no exponential backtracking).
    expect(matches(`/${'*a'.repeat(50)}b`, `/${'a'.repeat(5000)}`)).toBe(false);
  });

  it('uses the ParleyBot group over *, merging its groups, case-insensitively', () => {
    const robots = parseRobots([
      '# comment',
      'User-agent: *',
      'Disallow: /',
      '',
      'User-agent: OtherBot',
      'User-agent: parleybot/1.0',
      'Disallow: /a # trailing comment',
      'Crawl-delay: 2',
      '',
      'User-agent: PARLEYBOT',
      'Disallow: /b',
    ].join('\r\n'));
    expect(robots.isAllowed('/')).toBe(true);
    expect(robots.isAllowed('/a/1')).toBe(false);
    expect(robots.isAllowed('/b/1')).toBe(false);
    expect(robots.isAllowed('/c')).toBe(true);
    expect(robots.crawlDelaySeconds).toBe(2);
  });

  it('falls back to * when no group names ParleyBot, and ignores other agents', () => {
    const robots = parseRobots('User-agent: GoogleBot\nDisallow: /g\n\nUser-agent: *\nDisallow: /star\nCrawl-delay: 1.5\n');
    expect(robots.isAllowed('/g')).toBe(true);
    expect(robots.isAllowed('/star/x')).toBe(false);
    expect(robots.crawlDelaySeconds).toBe(1.5);
    expect(parseRobots('User-agent: GoogleBot\nDisallow: /\n').isAllowed('/x')).toBe(true);
    expect(parseRobots('Disallow: /\n').isAllowed('/x')).toBe(true); // rules outside any group
  });

  it('collects Sitemap lines wherever they appear and ignores bad crawl delays', () => {
    const robots = parseRobots('Sitemap: https://example.test/s1.xml\nUser-agent: *\nCrawl-delay: soon\nSitemap: /s2.xml\n');
    expect(robots.sitemaps).toEqual(['https://example.test/s1.xml', '/s2.xml']);
    expect(robots.crawlDelaySeconds).toBeUndefined();
    expect(robots.isAllowed('/robots.txt')).toBe(true);
  });
});
