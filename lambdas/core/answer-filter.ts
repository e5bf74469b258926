/**
 * What stands between a model's stream and the visitor: the answer guard (cuts
 * leaks of the prompt and keys) and then the markup filter (removes markup and
 * links the bot's documents did not contain), as one push/flush stage.
 */
import { createAnswerGuard, type AnswerGuard, type AnswerGuardOptions } from './answer-guard.ts';
import { createMarkupFilter, type MarkupPolicy } from './answer-markup.ts';

export const createAnswerFilter = (guardOptions: AnswerGuardOptions, markup: MarkupPolicy): AnswerGuard => {
  const guard = createAnswerGuard(guardOptions);
  const filter = createMarkupFilter(markup);
  return {
    push(delta) {
      const text = guard.push(delta);
      // Cut: what the filter held passed the guard and goes out before the refusal, but a link or tag
      // it had not finished is dropped, so the refusal cannot end up inside it.
      return guard.tripped ? filter.cut() + text : filter.push(text);
    },
    flush() {
      return filter.push(guard.flush()) + filter.flush();
    },
    get tripped() {
      return guard.tripped;
    },
  };
};
