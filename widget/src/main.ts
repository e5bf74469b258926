/**
 * The loader: `<script src="https://<parley>/widget.js" data-bot="<public id>" async></script>`,
 * optionally `data-target="#selector"` to render inline instead of a bubble.
 * The API is the script's own origin. The only global is `window.Parley`, and a
 * second copy of the script does nothing.
 */
import { mountWidget, type ParleyApi } from './widget.ts';

declare global {
  interface Window {
    Parley?: ParleyApi;
  }
}

// Read now: `currentScript` is only set while this script first runs (async included).
const script = document.currentScript;

if (script instanceof HTMLScriptElement && script.dataset.bot && !window.Parley) {
  performance.mark('parley:start');
  window.Parley = mountWidget({
    base: new URL(script.src).origin,
    publicId: script.dataset.bot,
    target: script.dataset.target,
    onReady: () => performance.mark('parley:ready'),
    onDestroy: () => delete window.Parley,
  });
}
