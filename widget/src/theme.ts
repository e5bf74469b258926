/** Theme values from the bot's config, checked before they reach a stylesheet. Pure, for unit tests. */

const HEX = /^#[0-9a-f]{6}$/i;
export const DEFAULT_COLOR = '#2563eb';

/** `value` if it is a `#rrggbb` colour, else the default: nothing else is ever written into CSS. */
export const accentColor = (value: unknown): string => (typeof value === 'string' && HEX.test(value) ? value.toLowerCase() : DEFAULT_COLOR);

/** WCAG relative luminance of a checked `#rrggbb` colour. */
export const luminance = (hex: string): number => {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};

export const contrast = (a: string, b: string): number => {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p) as [number, number];
  return (x + 0.05) / (y + 0.05);
};

/** Text on the accent colour: white or near-black, whichever reads better. */
export const textOnAccent = (accent: string): string => (contrast(accent, '#ffffff') >= contrast(accent, '#111827') ? '#ffffff' : '#111827');

/** The stylesheet rule that carries the theme: checked colours only. */
export const themeRule = (color: unknown): string => {
  const accent = accentColor(color);
  return `.w{--a:${accent};--on:${textOnAccent(accent)}}`;
};
