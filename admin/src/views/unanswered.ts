/**
 * A bot's unanswered questions: what visitors asked that the bot could not
 * answer, one question however many ways it was asked, the most recent first,
 * each with "Improve this answer" and "Dismiss". Also the share of questions
 * answered in the last seven days, which the bot's header shows. Every visitor
 * string becomes a text node.
 */
import { api, messageOf } from '../api.ts';
import type { PageContext } from '../context.ts';
import { h, icon, mount } from '../dom.ts';
import type { Bot, UnansweredGroup, UnansweredReport } from '../types.ts';
import { badge, busy, button, empty, failure, formatDate, formatNumber, loading, notify, plural } from '../ui.ts';
import { improveForm } from './conversations.ts';

/** The report is read from every recent conversation, so the header and the tab share one read for a minute. */
const FRESH_MS = 60_000;
const reports = new Map<string, { at: number; report: Promise<UnansweredReport> }>();

/** The bot's unanswered questions and week, read again after a minute or when `fresh`. */
export const unansweredReport = (botId: string, fresh = false): Promise<UnansweredReport> => {
  const cached = reports.get(botId);
  if (cached && !fresh && Date.now() - cached.at < FRESH_MS) return cached.report;
  const report = api('GET', '/v1/bots/{botId}/unanswered', { params: { botId }, query: { limit: 100 } });
  reports.set(botId, { at: Date.now(), report });
  report.catch(() => reports.delete(botId));
  return report;
};

/** "85% of questions answered in the last 7 days (41 of 48)", in plain words. */
export const weekText = (week: UnansweredReport['week']): string => week.asked
  ? `${Math.round((100 * week.answered) / week.asked)}% of questions answered in the last 7 days (${formatNumber(week.answered)} of ${formatNumber(week.asked)})`
  : 'No questions in the last 7 days';

/** The bot's header line: the week's answered share and a way to what it could not answer. */
export const weekSummary = (bot: Bot): HTMLElement => {
  const line = h('p', { class: 'week-summary muted' });
  unansweredReport(bot.botId).then((r) => {
    mount(line, h('span', null, icon('chart'), ' ', weekText(r.week)),
      r.total ? h('a', { href: `#/bots/${bot.botId}/unanswered` }, `${plural(r.total, 'unanswered question')} to review`) : null);
  }).catch(() => line.remove());
  return line;
};

const groupItem = (g: UnansweredGroup, actions: HTMLElement | null): HTMLElement =>
  h('li', { class: 'unanswered-group' },
    h('div', { class: 'unanswered-main' },
      h('p', { class: 'question' }, g.question),
      h('p', { class: 'muted small' },
        g.count === 1 ? `Asked once, ${formatDate(g.lastAskedAt)}` : `Asked ${formatNumber(g.count)} times, last ${formatDate(g.lastAskedAt)}`,
        g.dismissedAt ? ' · ' : null, g.dismissedAt ? badge(`Asked again since you dismissed it on ${formatDate(g.dismissedAt, false)}`, 'warn') : null),
      g.phrasings.length ? h('details', { class: 'phrasings' },
        h('summary', null, `Also asked as (${formatNumber(g.phrasings.length)})`),
        h('ul', null, ...g.phrasings.map((p) => h('li', null, p)))) : null,
      actions));

export const renderUnanswered = (body: HTMLElement, ctx: PageContext, bot: Bot): void => {
  const { botId } = bot;
  const status = h('p', { class: 'muted', role: 'status' });
  const listEl = h('div');
  const heading = h('h2', { tabindex: '-1' }, 'Unanswered questions');
  const canEdit = ctx.can('admin');
  let groups: readonly UnansweredGroup[] = [];
  let report: UnansweredReport | undefined;

  const remove = (g: UnansweredGroup) => {
    groups = groups.filter((x) => x.groupId !== g.groupId);
    if (report) report = { ...report, groups, total: report.total - 1 };
    reports.delete(bot.botId);
    render();
    // The item with the focus is gone: keyboard users carry on from the list's heading.
    heading.focus();
  };

  const dismiss = async (g: UnansweredGroup): Promise<void> => {
    await api('POST', '/v1/bots/{botId}/unanswered/{groupId}/dismiss', { params: { botId, groupId: g.groupId } });
    remove(g);
  };

  const actionsFor = (g: UnansweredGroup): HTMLElement | null => {
    if (!canEdit) return null;
    const improve = improveForm(botId, { question: g.question, answer: '', answered: false }, async () => {
      // The bot knows the answer now: the question leaves the list, and comes back only if the bot still fails it.
      try {
        await dismiss(g);
        notify('Thanks: your bot has learned the answer, and the question left this list.');
      } catch (err) {
        notify(`Your bot has learned the answer, but the question could not be removed from this list: ${messageOf(err)}`, 'error');
      }
    });
    const drop = button('Dismiss', () => void busy(drop, async () => {
      try {
        await dismiss(g);
        notify('Dismissed. It comes back only if a visitor asks it again.');
      } catch (err) {
        notify(messageOf(err), 'error');
      }
    }), { kind: 'ghost', label: `Dismiss: ${g.question}` });
    return h('div', { class: 'unanswered-actions' }, improve, drop);
  };

  const render = () => {
    if (!report) return;
    status.textContent = `${report.total ? `${plural(report.total, 'question')} to review.` : ''}${report.truncated ? ` Only the newest ${formatNumber(report.scanned)} conversations were read.` : ''}`;
    const more = report.total - groups.length;
    mount(listEl, groups.length
      ? h('ul', { class: 'unanswered-list', 'aria-label': 'Unanswered questions' }, ...groups.map((g) => groupItem(g, actionsFor(g))))
      : empty('Nothing unanswered', 'When your bot cannot answer a question, it appears here, so you can teach it the answer.'),
    more > 0 ? h('p', { class: 'muted small' }, `${plural(more, 'older question')} not shown: dismiss or answer these first.`) : null);
  };

  const load = async (fresh: boolean): Promise<void> => {
    mount(listEl, loading('unanswered questions'));
    try {
      report = await unansweredReport(bot.botId, fresh);
      groups = report.groups;
      render();
    } catch (err) {
      mount(listEl, failure(err, () => void load(true)));
    }
  };

  mount(body, h('section', { class: 'card' },
    h('div', { class: 'card-head' },
      heading,
      button('Refresh', () => void load(true), { kind: 'ghost', icon: 'refresh', label: 'Refresh the unanswered questions' })),
    h('p', null, 'What visitors asked that your bot could not answer, the most recent first. A question asked in different words appears once, with how often it was asked.',
      canEdit ? ' Teach your bot the answer, or dismiss questions it should not answer.' : ''),
    status,
    listEl));
  void load(false);
};
