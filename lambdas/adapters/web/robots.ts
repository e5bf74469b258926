/**
 * robots.txt for the website crawler (RFC 9309): the group for `ParleyBot`,
 * else the `*` group; Allow/Disallow by longest match (Allow wins a tie), with
 * `*` (any run of characters) and a trailing `$` (end of path); an empty
 * Disallow allows everything. `Sitemap:` lines apply whatever the group.
 */

/** The product token the crawler answers to. */
export const ROBOTS_AGENT = 'parleybot';

export interface RobotsRules {
  /** Whether the crawler may fetch `path` (path plus query, starting with `/`). */
  isAllowed(path: string): boolean;
  /** `Crawl-delay` of the matched group, in seconds, when it gave a valid one. */
  readonly crawlDelaySeconds?: number;
  /** Absolute or relative URLs from `Sitemap:` lines, as written. */
  readonly sitemaps: string[];
}

interface Rule {
  readonly allow: boolean;
  readonly pattern: string;
}

interface Group {
  readonly agents: string[];
  readonly rules: Rule[];
  crawlDelay: number | undefined;
}

/** Parses robots.txt text. Never throws: unknown or malformed lines are ignored. */
export function parseRobots(text: string): RobotsRules {
  const groups: Group[] = [];
  const sitemaps: string[] = [];
  let current: Group | undefined;
  let lastWasAgent = false;

  for (const rawLine of text.split(/\r\n|\r|\n/)) {
    const line = rawLine.replace(/#.*$/, '').trim();
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (key === 'user-agent') {
      if (!current || !lastWasAgent) {
        current = { agents: [], rules: [], crawlDelay: undefined };
        groups.push(current);
      }
      current.agents.push(value.toLowerCase());
      lastWasAgent = true;
      continue;
    }
    if (key === 'sitemap') {
      if (value) sitemaps.push(value);
      continue;
    }
    lastWasAgent = false;
    if (!current) continue; // rules before any User-agent belong to no group
    if (key === 'allow' || key === 'disallow') {
      if (value) current.rules.push({ allow: key === 'allow', pattern: value });
    } else if (key === 'crawl-delay') {
      const seconds = Number(value);
      if (value && Number.isFinite(seconds) && seconds >= 0) current.crawlDelay = seconds;
    }
  }

  const ours = groups.filter((group) => group.agents.some((agent) => agentToken(agent) === ROBOTS_AGENT));
  const chosen = ours.length ? ours : groups.filter((group) => group.agents.includes('*'));
  const rules = chosen.flatMap((group) => group.rules);
  const crawlDelay = chosen.map((group) => group.crawlDelay).find((delay) => delay !== undefined);

  return {
    isAllowed(path: string): boolean {
      if (path === '/robots.txt') return true;
      let best: Rule | undefined;
      for (const rule of rules) {
        if (!matches(rule.pattern, path)) continue;
        if (!best || rule.pattern.length > best.pattern.length || (rule.pattern.length === best.pattern.length && rule.allow)) {
          best = rule;
        }
      }
      return best?.allow ?? true;
    },
    ...(crawlDelay === undefined ? {} : { crawlDelaySeconds: crawlDelay }),
    sitemaps,
  };
}

/** `ParleyBot/1.0` and `parleybot` both name the same product. */
const agentToken = (agent: string): string => agent.split('/')[0]!.trim();

/**
 * Whether a robots pattern matches `path` from its start: `*` matches any run
 * of characters, a final `$` anchors the end, anything else is literal. Glob
 * matching with one backtrack point: O(pattern × path) at worst, never
 * exponential (a regular expression could be, on patterns full of `*`).
 */
export function matches(pattern: string, path: string): boolean {
  const anchored = pattern.endsWith('$');
  const glob = anchored ? pattern.slice(0, -1) : `${pattern}*`;
  let p = 0;
  let s = 0;
  let star = -1;
  let mark = 0;
  while (s < path.length) {
    if (p < glob.length && glob[p] !== '*' && glob[p] === path[s]) {
      p += 1;
      s += 1;
    } else if (p < glob.length && glob[p] === '*') {
      star = p;
      p += 1;
      mark = s;
    } else if (star !== -1) {
      p = star + 1;
      mark += 1;
      s = mark;
    } else {
      return false;
    }
  }
  while (p < glob.length && glob[p] === '*') p += 1;
  return p === glob.length;
}
