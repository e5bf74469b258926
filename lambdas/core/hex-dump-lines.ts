/**
 * Whether the lines around a digit run are a hex dump, each line read once however
 * many runs it holds, so a long line of numbers costs linear time, not runs × length.
 */
const HEX_GROUP = /^(?:[0-9a-f]{2}|[0-9a-f]{4})$/i;
const HEX_OFFSET = /^\s*[0-9a-f]{4,8}(?::|\s\s)/i;

interface LineGroups { readonly groups: number; readonly withLetter: boolean }

const groupsOf = (line: string): LineGroups => {
  const groups = line.split(/[\s|:]+/).filter((t) => HEX_GROUP.test(t));
  return { groups: groups.length, withLetter: groups.some((t) => /[a-f]/i.test(t)) };
};

/**
 * A judge of hex dump lines in `text` (`hexdump -C`, `xxd`, `od`): eight or more
 * groups of two or four hex digits, one of them with a letter or the first line led
 * by an offset. Its byte pairs (`25 50 44 46`) read as phone numbers in many
 * countries, and French numbers, written in pairs too, have five groups and no
 * letters. Asked about a span, it judges the lines from the one where the span
 * starts to the one where it ends, taken together (a run of phone characters can
 * cross a line break).
 */
export const hexDumpLines = (text: string): ((start: number, end: number) => boolean) => {
  const breaks: number[] = [];
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) breaks.push(at);
  /** The index of the line holding position `at`: how many line breaks come before it. */
  const lineAt = (at: number) => {
    let lo = 0;
    let hi = breaks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (breaks[mid]! < at) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const lineStart = (line: number) => (line === 0 ? 0 : breaks[line - 1]! + 1);
  const lineEnd = (line: number) => (line < breaks.length ? breaks[line]! : text.length);
  const lines = new Map<number, LineGroups>();
  const groupsOn = (line: number) => {
    let found = lines.get(line);
    if (found === undefined) {
      found = groupsOf(text.slice(lineStart(line), lineEnd(line)));
      lines.set(line, found);
    }
    return found;
  };
  const offsets = new Map<string, boolean>();
  /** The offset leads the first line, and is read at most two characters past its end (`0000 ` then a break). */
  const ledByOffset = (first: number, last: number) => {
    const upTo = first === last ? lineEnd(first) : Math.min(lineEnd(first) + 2, lineEnd(last));
    const key = `${first}:${upTo}`;
    let found = offsets.get(key);
    if (found === undefined) {
      found = HEX_OFFSET.test(text.slice(lineStart(first), upTo));
      offsets.set(key, found);
    }
    return found;
  };
  return (start, end) => {
    const first = lineAt(start);
    const last = lineAt(end);
    let groups = 0;
    let withLetter = false;
    for (let line = first; line <= last; line++) {
      const on = groupsOn(line);
      groups += on.groups;
      withLetter ||= on.withLetter;
    }
    return groups >= 8 && (withLetter || ledByOffset(first, last));
  };
};
