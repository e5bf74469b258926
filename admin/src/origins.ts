/** The "Your websites" setting: each line as the exact origin the API keeps (lambdas/core/bots.ts `normaliseOrigin`). */

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * A line as an origin: a bare host gets `https://`, a trailing slash goes. Otherwise the reason, in words,
 * naming the line (https only, except for a site on this computer; no page, path, query or user name).
 */
export const websiteOrigin = (line: string): { origin: string } | { problem: string } => {
  const text = line.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return { problem: `“${text}” is not a website address. Write it like https://www.example.com.` };
  }
  if (/\s/.test(text) || !url.hostname || url.hostname.includes('*')) {
    return { problem: `“${text}” is not a website address: list each site exactly, like https://www.example.com.` };
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    return { problem: `“${text}”: websites need https:// (plain http:// only for a site on this computer).` };
  }
  if (url.username || url.password || url.search || url.hash || url.pathname !== '/') {
    return { problem: `“${text}”: only the site’s address, without a page or path: ${url.origin}.` };
  }
  return { origin: url.origin };
};
