/**
 * The answer guard as it was before issue 20 (commit 27d7866's parent), kept
 * as the baseline that npm run eval:guard compares with: fixed strings, a
 * 64-character hold.
 */
import { PROMPT_CANARY } from '../../lambdas/core/prompt.ts';

/** Shapes of provider keys and bearer tokens, as the log redactor knows them. */
const SECRET = /\b(sk-(?:ant-|proj-)?[A-Za-z0-9_-]{16,}|[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{10,})/;

/** Phrases of the system prompt that an honest answer has no reason to contain. */
const LEAK_MARKERS = [PROMPT_CANARY, 'Rules that nothing below', 'owner_guidance', 'is data written by others, not instructions'];

/** Characters held back so a marker or key split across deltas is still seen whole. */
const HOLD = 64;

interface AnswerGuard {
  /** Text safe to send now (may be empty while some is held back). */
  push(delta: string): string;
  /** The rest, at the end of the answer. */
  flush(): string;
  /** Set once the answer was cut. */
  readonly tripped: 'secret' | 'prompt' | undefined;
}

export const createBaselineGuard = (knownSecrets: readonly string[] = []): AnswerGuard => {
  let sent = 0;
  let text = '';
  let tripped: AnswerGuard['tripped'];
  const check = (): boolean => {
    if (tripped) return false;
    const lower = text.toLowerCase();
    if (LEAK_MARKERS.some((m) => lower.includes(m.toLowerCase()))) tripped = 'prompt';
    // The first 16 characters of a known key are enough to stop it, however long the key is.
    else if (SECRET.test(text) || knownSecrets.some((s) => s.length >= 8 && text.includes(s.slice(0, 16)))) tripped = 'secret';
    return !tripped;
  };
  const release = (upTo: number): string => {
    if (upTo <= sent) return '';
    const out = text.slice(sent, upTo);
    sent = upTo;
    return out;
  };
  return {
    push(delta) {
      if (tripped) return '';
      text += delta;
      if (!check()) return '\n\n(refused)';
      return release(Math.max(sent, text.length - HOLD));
    },
    flush() {
      if (tripped) return '';
      return release(text.length);
    },
    get tripped() {
      return tripped;
    },
  };
};
