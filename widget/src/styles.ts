/**
 * The widget's styles, inside its shadow root as constructable stylesheets
 * (`adoptedStyleSheets`): no `<style>` element and no `style` attribute, so a
 * host page's `style-src 'none'` does not stop them, and the page's CSS cannot
 * reach in. Units are px, never rem: the host's root font size is not ours.
 *
 * The host element itself is in the page, so `:host` resets it with
 * `!important`, which beats the page's own `!important` rules (the inner
 * context wins for important declarations). The rules are in styles.css.
 */
import css from './styles.css';
import { h } from './dom.ts';
import { themeRule } from './theme.ts';


/** Puts the styles and the checked theme colour into the shadow root. */
export const adoptStyles = (root: ShadowRoot, color: unknown): void => {
  const texts = [css, themeRule(color)];
  try {
    root.adoptedStyleSheets = texts.map((text) => {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(text);
      return sheet;
    });
  } catch {
    // Browsers without constructable stylesheets (Safari before 16.4): a style element, which a strict CSP may block.
    root.append(h('style', null, texts.join('')));
  }
};
