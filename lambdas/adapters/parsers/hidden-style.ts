/**
 * Whether an element's own attributes hide it from a reader: the `hidden`
 * attribute, `aria-hidden`, and inline styles that hide text while keeping
 * it in the page (display, visibility, zero opacity, fonts of a pixel or
 * less, transparent or same-as-background text, positions far off-screen,
 * clipped to nothing).
 * Hidden text is where injected instructions hide; it is never indexed.
 */

const DISPLAY_OR_VISIBILITY = /(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*(?:hidden|collapse))\b/i;
const ZERO_OPACITY = /(?:^|;)\s*opacity\s*:\s*(?:0*\.?0+%?)\s*(?:!important\s*)?(?:;|$)/i;
const TINY_FONT = /(?:^|;)\s*font-size\s*:\s*(\d*\.?\d+)\s*(px|pt|em|rem|%)?\s*(?:!important\s*)?(?:;|$)/i;
const TRANSPARENT_TEXT = /(?:^|;)\s*color\s*:\s*transparent\b/i;
// The screen-reader-only pattern: clipped to nothing.
const CLIPPED = /(?:^|;)\s*(?:clip\s*:\s*rect\(\s*0(?:px)?(?:\s*,?\s*0(?:px)?){3}\s*\)|clip-path\s*:\s*inset\(\s*50%\s*\))/i;
const FAR_OFF_SCREEN = /(?:^|;)\s*(?:left|top|right|text-indent|margin-left)\s*:\s*-\d{4,}(?:\.\d+)?\s*(?:px|pt|em|rem)?\b/i;

/** The largest font size, in its unit, that no one can read. */
const UNREADABLE_SIZE: Readonly<Record<string, number>> = { px: 1, pt: 1, em: 0.1, rem: 0.1, '%': 10 };

const colourValue = (style: string, property: 'color' | 'background-color' | 'background'): string | undefined => {
  const match = new RegExp(`(?:^|;)\\s*${property}\\s*:\\s*([^;!]+)`, 'i').exec(style)?.[1];
  return match === undefined ? undefined : canonicalColour(match.trim().toLowerCase());
};

/** The common spellings of one colour made equal: #fff, #ffffff, white, rgb(255, 255, 255). */
const canonicalColour = (value: string): string => {
  const named: Record<string, string> = { white: '#ffffff', black: '#000000' };
  if (named[value]) return named[value];
  const short = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/.exec(value);
  if (short) return `#${short[1]!.repeat(2)}${short[2]!.repeat(2)}${short[3]!.repeat(2)}`;
  const rgb = /^rgba?\(\s*(\d+)\s*,?\s*(\d+)\s*,?\s*(\d+)\s*(?:[,/]\s*1(?:\.0+)?\s*)?\)$/.exec(value);
  if (rgb) return `#${[rgb[1], rgb[2], rgb[3]].map((c) => Number(c).toString(16).padStart(2, '0')).join('')}`;
  return value;
};

/** Whether an inline style hides the element's text. */
export const isHiddenByStyle = (style: string): boolean => {
  if (!style) return false;
  if (DISPLAY_OR_VISIBILITY.test(style) || ZERO_OPACITY.test(style) || TRANSPARENT_TEXT.test(style) || FAR_OFF_SCREEN.test(style) || CLIPPED.test(style)) return true;
  const font = TINY_FONT.exec(style);
  if (font && Number(font[1]) <= (UNREADABLE_SIZE[font[2]?.toLowerCase() ?? 'px'] ?? 0)) return true;
  const colour = colourValue(style, 'color');
  const background = colourValue(style, 'background-color') ?? colourValue(style, 'background');
  return colour !== undefined && colour === background;
};

/** Whether an element is hidden by its own attributes; `get` reads one attribute. */
export const isHiddenElement = (get: (name: string) => string | null | undefined): boolean =>
  get('hidden') != null || get('aria-hidden')?.trim().toLowerCase() === 'true' || isHiddenByStyle(get('style') ?? '');
