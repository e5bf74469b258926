/**
 * Markup and links in a model's answer, made safe on the server, so any client
 * of the API gets text it can render: raw HTML tags and comments are removed
 * (their text stays), and images, Markdown links, link definitions and bare
 * addresses are kept only when they point at an http(s) address the bot's own
 * documents contain or at one of its allowed origins. Anything else keeps its
 * words and loses its target: an injected document cannot plant a one-click
 * (or zero-click, as an image) way to send a conversation elsewhere.
 * `javascript:`, `data:` and other schemes never pass.
 *
 * Streaming: text that could still be the start of a tag, a link or an address
 * is held until it is complete (at most MAX_HELD characters), then released.
 */

export interface MarkupPolicy {
  /** The passages the answer was given: addresses in them may be linked. */
  readonly documents: readonly string[];
  /** The bot's allowed origins (`https://host[:port]`): any address on them may be linked. */
  readonly allowedOrigins: readonly string[];
}

/** Said in place of an address the answer may not carry. */
export const LINK_REMOVED = '(link removed)';

/** The most a possible construct is held before it is treated as text. */
const MAX_HELD = 600;
/** What can still become a tag, a comment or a declaration ("p<0.05", "<or=2" cannot). */
const TAG_START = /^<(?:\/?[A-Za-z][\w:-]*(?:[\s/>]|$)|!|\?|\/?$)/;
/** The most a `[` waits for its `]`. */
const LABEL_HELD = 200;

const TAG = /<\/?[A-Za-z][\w:-]*(?:\s[^<>]*)?\/?>|<!--[\s\S]*?(?:-->|$)|<![A-Za-z][^<>]*>|<\?[^<>]*\?>/g;
const AUTOLINK = /<((?:[A-Za-z][A-Za-z0-9+.-]{1,31}):[^\s<>]*)>/g;
const IMAGE = /!\[([^\]\n]{0,500})\]\(\s*<?([^()\s<>]*(?:\([^()\s]*\)[^()\s<>]*)*)>?(?:\s+(?:"[^"\n]*"|'[^'\n]*'))?\s*\)/g;
const LINK = /\[([^\]\n]{1,500})\]\(\s*<?([^()\s<>]*(?:\([^()\s]*\)[^()\s<>]*)*)>?(?:\s+(?:"[^"\n]*"|'[^'\n]*'))?\s*\)/g;
/** Any `[label](…)` on one line: a target with spaces or tabs is no link to CommonMark, but some renderers (and browsers) drop them. */
const LOOSE_LINK = /(!?)\[([^\]\n]{0,500})\]\(([^)\n]{0,2000})\)/g;
const DEFINITION = /^ {0,3}\[[^\]\n]+\]:[ \t]*<?(\S+?)>?(?:[ \t]+(?:"[^"\n]*"|'[^'\n]*'|\([^)\n]*\)))?[ \t]*$/gm;
const BARE = /\b(?:https?:\/\/|ftp:\/\/|www\.)[^\s<>"'`]+/gi;
/** Punctuation that ends a sentence rather than an address. */
const TRAILING = /[.,;:!?)\]*_'"]+$/;

/** The address with its sentence punctuation trimmed, and what was trimmed. */
const splitTrailing = (url: string): [string, string] => {
  const m = TRAILING.exec(url);
  if (!m) return [url, ''];
  // A closing parenthesis that closes one inside the address belongs to it (Wikipedia style).
  let cut = m.index;
  if (url.slice(cut).startsWith(')') && (url.slice(0, cut).match(/\(/g)?.length ?? 0) > (url.slice(0, cut).match(/\)/g)?.length ?? 0)) cut += 1;
  return [url.slice(0, cut), url.slice(cut)];
};

/** Decides which addresses an answer may carry. */
export const linkPolicy = ({ documents, allowedOrigins }: MarkupPolicy): ((url: string) => boolean) => {
  const origins = new Set(allowedOrigins.map((o) => o.toLowerCase().replace(/\/+$/, '')));
  const inDocuments = new Set<string>();
  for (const text of documents) {
    for (const m of text.matchAll(BARE)) inDocuments.add(splitTrailing(m[0])[0]);
    for (const m of text.matchAll(LINK)) inDocuments.add(m[2]!);
  }
  return (raw: string): boolean => {
    const url = raw.trim();
    const absolute = /^www\./i.test(url) ? `https://${url}` : url;
    let parsed: URL;
    try {
      parsed = new URL(absolute);
    } catch {
      return false;
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return false;
    // Credentials in an address can smuggle a different host past a reader.
    if (parsed.username || parsed.password) return false;
    return origins.has(parsed.origin.toLowerCase()) || inDocuments.has(url);
  };
};

/** `text` with markup removed and addresses the policy refuses replaced; `text` must hold only whole constructs. */
export const neutraliseMarkup = (text: string, allowed: (url: string) => boolean): string =>
  text
    .replace(TAG, '')
    .replace(AUTOLINK, (whole, url: string) => (allowed(url) ? whole : LINK_REMOVED))
    .replace(DEFINITION, (whole, url: string) => (allowed(url) ? whole : ''))
    .replace(IMAGE, (whole, alt: string, url: string) => (allowed(url) ? whole : alt.trim() ? `${alt.trim()} (image removed)` : '(image removed)'))
    .replace(LINK, (whole, label: string, url: string) => (allowed(url) ? whole : label))
    .replace(LOOSE_LINK, (whole, bang: string, label: string, target: string) => {
      if (allowed(target.replace(/\s+"[^"]*"\s*$|\s+'[^']*'\s*$/, '').replace(/[\s<>]/g, ''))) return whole;
      return bang ? `${label.trim() ? `${label.trim()} ` : ''}(image removed)` : label;
    })
    .replace(BARE, (whole: string, offset: number, all: string) => {
      // Inside a kept Markdown link the address is its target, already allowed.
      if (all[offset - 1] === '(' && all[offset - 2] === ']') return whole;
      const [url, rest] = splitTrailing(whole);
      return allowed(url) ? whole : `${LINK_REMOVED}${rest}`;
    });

/** Where a construct that is not complete starts (an unclosed `<` or comment, a `[` whose link may still follow), or the length. */
const constructFrom = (text: string): number => {
  let from = text.length;
  // Only `<` followed by what can start a tag (or nothing yet): "p < 0.05" is no tag.
  const lt = text.lastIndexOf('<');
  if (lt !== -1 && !text.includes('>', lt) && TAG_START.test(text.slice(lt, lt + 40))) from = Math.min(from, lt);
  // An HTML comment runs to its `-->`.
  const comment = text.lastIndexOf('<!--');
  if (comment !== -1 && !text.includes('-->', comment + 4)) from = Math.min(from, comment);
  for (let at = text.lastIndexOf('['); at !== -1 && text.length - at <= MAX_HELD; at = at > 0 ? text.lastIndexOf('[', at - 1) : -1) {
    const close = text.indexOf(']', at);
    // A label is short: a `[` with no `]` after LABEL_HELD characters is text.
    if ((close === -1 && text.length - at <= LABEL_HELD) || close === text.length - 1) from = Math.min(from, at > 0 && text[at - 1] === '!' ? at - 1 : at);
    else if (text[close + 1] === '(' && !text.includes(')', close)) from = Math.min(from, at > 0 && text[at - 1] === '!' ? at - 1 : at);
    // A link definition (`[x]: address`) is whole at the end of its line.
    else if (text[close + 1] === ':' && !text.includes('\n', close) && /^ {0,3}$/.test(text.slice(text.lastIndexOf('\n', at) + 1, at))) {
      from = Math.min(from, text.lastIndexOf('\n', at) + 1);
    }
  }
  return from;
};

/**
 * Where to hold the text from: the start of a construct that is not complete,
 * or of the last word (which may become an address), and never inside a
 * construct. At most MAX_HELD characters are held.
 */
const openFrom = (text: string): number => {
  const lastSpace = Math.max(text.lastIndexOf(' '), text.lastIndexOf('\n'), text.lastIndexOf('\t'));
  let from = Math.min(constructFrom(text), lastSpace + 1);
  // Cutting at the last word may cut a complete link or tag in two: hold from its start then.
  for (let inner = constructFrom(text.slice(0, from)); inner < from; inner = constructFrom(text.slice(0, from))) from = inner;
  return Math.max(from, text.length - MAX_HELD);
};

export interface MarkupFilter {
  /** Safe text to send now. */
  push(text: string): string;
  /** The rest, at the end of the answer. */
  flush(): string;
  /** The answer was cut: what is held, up to any construct it had not finished, which is dropped. */
  cut(): string;
}

export const createMarkupFilter = (policy: MarkupPolicy): MarkupFilter => {
  const allowed = linkPolicy(policy);
  let held = '';
  return {
    push(text) {
      held += text;
      const from = openFrom(held);
      if (from <= 0) return '';
      const ready = held.slice(0, from);
      held = held.slice(from);
      return neutraliseMarkup(ready, allowed);
    },
    flush() {
      const rest = neutraliseMarkup(held, allowed);
      held = '';
      return rest;
    },
    cut() {
      const whole = held.slice(0, constructFrom(held));
      held = '';
      return neutraliseMarkup(whole, allowed);
    },
  };
};
