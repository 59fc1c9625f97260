/** Words that give away each AG News class (World, Sports, Business, Sci/Tech), in label order. */
export const TOPIC_WORDS: readonly (readonly string[])[] = [
  ['election', 'minister', 'troops', 'embassy', 'parliament', 'rebels'],
  ['goal', 'match', 'coach', 'season', 'striker', 'tournament'],
  ['shares', 'profit', 'earnings', 'investors', 'merger', 'revenue'],
  ['software', 'chip', 'internet', 'researchers', 'browser', 'spacecraft'],
];

/** Words every class uses. */
export const FILLER: readonly string[] = [
  'the',
  'a',
  'on',
  'after',
  'new',
  'said',
  'today',
  'report',
];

export interface TopicTextOptions {
  /**
   * Chance that a word is one of its class's topic words rather than filler: lower makes the task
   * harder, so tiny models stay imperfect and their figures differ. @defaultValue 0.6
   */
  topicShare?: number;
}

/**
 * `n` short texts of 3–6 words, labels 0..3 in turn, the same for the same seed on every machine
 * (a 32-bit LCG: fixtures need repeatability, not statistical quality).
 */
export function topicTexts(
  n: number,
  seed: number,
  options: TopicTextOptions = {},
): { texts: string[]; labels: number[] } {
  const topicShare = options.topicShare ?? 0.6;
  let state = seed >>> 0;
  const rand = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)] as T;
  const texts: string[] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const label = i % 4;
    const words: string[] = [];
    const length = 3 + Math.floor(rand() * 4);
    for (let w = 0; w < length; w++) {
      words.push(rand() < topicShare ? pick(TOPIC_WORDS[label] as string[]) : pick(FILLER));
    }
    texts.push(words.join(' '));
    labels.push(label);
  }
  return { texts, labels };
}
