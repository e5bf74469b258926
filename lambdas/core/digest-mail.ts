/**
 * The daily digest e-mail: per bot, how many questions it could not answer and how
 * many answers got a thumbs-down the day before, with the first few of each (the
 * question, the visitor's comment) and a link to each conversation. Plain text, the
 * visitor's words quoted as in the other notification e-mails; the subject holds
 * counts and the account's name only.
 */
import { mailSubjectLine, quotedLines } from './notification-mail.ts';
import { conversationLink, unansweredLink } from './panel-links.ts';

/** Items shown per bot and kind; the panel has the rest. */
export const DIGEST_ITEMS_SHOWN = 5;

export interface DigestItem {
  readonly conversationId: string;
  readonly turnId: string;
  readonly question: string;
  readonly comment?: string;
}

export interface BotDigest {
  readonly botId: string;
  readonly name: string;
  /** Counts of the day; `items` holds at most `DIGEST_ITEMS_SHOWN` of each, those still there to read. */
  readonly unanswered: { readonly count: number; readonly items: readonly DigestItem[] };
  readonly negative: { readonly count: number; readonly items: readonly DigestItem[] };
}

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

const itemLines = (botId: string, item: DigestItem, panelUrl: string | undefined): string[] => [
  ...quotedLines('Question', item.question, true),
  ...quotedLines('Comment', item.comment, true),
  ...(panelUrl ? [`  Conversation: ${conversationLink(panelUrl, botId, item.conversationId, item.turnId)}`] : []),
];

export const composeDigestMail = (input: { accountName: string; day: string; bots: readonly BotDigest[]; panelUrl?: string | undefined }): { subject: string; text: string } => {
  const unanswered = input.bots.reduce((n, b) => n + b.unanswered.count, 0);
  const negative = input.bots.reduce((n, b) => n + b.negative.count, 0);
  const counts = [unanswered ? plural(unanswered, 'unanswered question', 'unanswered questions') : '', negative ? plural(negative, 'thumbs-down', 'thumbs-down') : ''].filter(Boolean).join(', ');
  const sections = input.bots.flatMap((b) => [
    `== ${mailSubjectLine(b.name)} ==`,
    '',
    ...(b.unanswered.count ? [
      `${plural(b.unanswered.count, 'question it could not answer', 'questions it could not answer')}${b.unanswered.count > b.unanswered.items.length ? `, the first ${b.unanswered.items.length}` : ''}:`,
      ...b.unanswered.items.flatMap((i) => itemLines(b.botId, i, input.panelUrl)),
      '',
    ] : []),
    ...(b.negative.count ? [
      `${plural(b.negative.count, 'answer a visitor gave a thumbs-down', 'answers visitors gave a thumbs-down')}${b.negative.count > b.negative.items.length ? `, the first ${b.negative.items.length}` : ''}:`,
      ...b.negative.items.flatMap((i) => itemLines(b.botId, i, input.panelUrl)),
      '',
    ] : []),
    ...(input.panelUrl ? [`Teach ${mailSubjectLine(b.name)} the answers: ${unansweredLink(input.panelUrl, b.botId)}`, ''] : []),
  ]);
  const lines = [
    `What the visitors of ${mailSubjectLine(input.accountName)}'s bots could not get answered on ${input.day} (UTC).`,
    '',
    ...sections,
    ...(input.panelUrl ? [] : ['Read the conversations and teach a bot the answers in the Parley admin panel, under the bot\'s Unanswered tab.', '']),
    '--',
    `You get this daily digest because you chose it in ${mailSubjectLine(input.accountName)}, under Notifications in the Parley admin panel.`,
  ];
  return { subject: `Yesterday · ${counts} · ${mailSubjectLine(input.accountName).slice(0, 80)}`, text: `${lines.join('\n')}\n` };
};
