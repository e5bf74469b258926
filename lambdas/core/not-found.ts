/**
 * Whether an answer declined. Parley's own answerer declines in fixed words, but
 * a model is told (prompt rule 1) to say that it could not find the answer in the
 * documents, and says so in its own words. An answer counts as "not found" when
 * it says so AND cites no document: an answer that cites a document answered
 * something, even if it also says part of the question is not covered.
 */

/** Ways of saying "the documents don't say", in the words models actually use. */
const DOCUMENTS = String.raw`(?:documents?|sources?|texts?|context|information (?:provided|given|available|I have)|materials?|knowledge base)`;
const NOT_FOUND = [
  /\bI (?:could ?n[o']t|can ?n[o']t|couldn’t|can’t|was ?n[o']t able to|wasn’t able to|am unable to|am not able to|did ?n[o']t|didn’t|do ?n[o']t|don’t) (?:find|locate|see)\b/i,
  new RegExp(String.raw`\b${DOCUMENTS} (?:do(?:es)? ?n[o'’]t|do(?:es)? not) (?:seem to )?(?:contain|include|mention|say|cover|provide|have|specify|state|address)\b`, 'i'),
  new RegExp(String.raw`\b(?:not|n[o'’]t) (?:mentioned|covered|included|specified|stated|provided|found|available) in (?:the |your |this |these |any )?${DOCUMENTS}`, 'i'),
  /\b(?:I have|there is|there's|there are) no (?:information|details?|mention|answer|data)\b/i,
];

const CITATION = /\[\d+\]/;

/** How far into an answer a model's "I could not find it" may come (it says so first, or after a short lead-in). */
const OPENING_CHARS = 240;

/** True when the answer says the documents do not hold the answer and cites none of them. */
export const saysNotFound = (answer: string): boolean => {
  const text = answer.trim();
  if (!text || CITATION.test(text)) return false;
  const opening = text.slice(0, OPENING_CHARS);
  return NOT_FOUND.some((pattern) => pattern.test(opening));
};
