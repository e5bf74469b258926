/**
 * A paraphrase of the system prompt keeps few of its words in a row, so the
 * guard's runs miss it; what it keeps is its subject. This counts the distinct
 * ideas of the rules (revealing, rules, documents, citing, the owner, secrets,
 * markup, links, language, a person, guessing, …) among an answer's last 80
 * words. The rules themselves name 13 of them, paraphrases 11 to 14; of the
 * 5,966 passages of squad-qa, SciFact and squad-half-b none names more than 6. Ideas the answer's own
 * documents name count half, so a bot whose documents are about API keys and
 * Markdown can still talk about them.
 */

/** Each idea of the rules, as the words that name it (a word matches when it starts with one of them). */
const IDEAS: Readonly<Record<string, RegExp>> = {
  reveal: /^(reveal|disclos|divulg|expos|leak|repeat|recit)/,
  rules: /^(rule|guideline|instruction|directive|direction|constraint|system)/,
  documents: /^(document|file|passage|excerpt|context)/,
  cite: /^(cite|citat|referenc|bracket|footnot)/,
  summarise: /^(summar|paraphras|quot|verbatim)/,
  owner: /^(owner|operator|guidance)/,
  secrets: /^(secret|password|credential|apikey|key|token)/,
  markup: /^(html|markup|markdown|code|script)/,
  links: /^(link|url|image)/,
  language: /^(language|tongue)/,
  person: /^(person|human|agent|staff)/,
  guess: /^(guess|invent|outside|knowledge|speculat)/,
  data: /^(data|material|untrusted)/,
  visitor: /^(visitor|user)/,
  assistant: /^(assistant|bot|chatbot|ai|model)/,
  only: /^(only|solely|exclusively|never|must)$/,
};

/** Words looked at, and the weighted number of distinct ideas among them that counts as reciting the rules. */
export const TOPIC_WINDOW = 80;
export const TOPIC_THRESHOLD = 9;

const ideaOf = (word: string): string | undefined => {
  for (const [idea, re] of Object.entries(IDEAS)) if (re.test(word)) return idea;
  return undefined;
};

/** The ideas `text` names (lower-case Latin words). */
export const ideasIn = (text: string): Set<string> => {
  const out = new Set<string>();
  for (const w of text.toLowerCase().match(/[a-z]+/g) ?? []) {
    const idea = ideaOf(w);
    if (idea) out.add(idea);
  }
  return out;
};

/** Fed one word at a time; says when the last TOPIC_WINDOW words name too many of the rules' ideas. */
export const createTopicCounter = (allowed: readonly string[]) => {
  const common = ideasIn(allowed.join('\n'));
  const recent: Array<string | undefined> = [];
  return (word: string): boolean => {
    recent.push(ideaOf(word));
    if (recent.length > TOPIC_WINDOW) recent.shift();
    const seen = new Set(recent.filter((i): i is string => i !== undefined));
    let score = 0;
    for (const idea of seen) score += common.has(idea) ? 0.5 : 1;
    return score >= TOPIC_THRESHOLD;
  };
};
