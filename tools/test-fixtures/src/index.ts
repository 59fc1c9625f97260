export { FILLER, TOPIC_WORDS, type TopicTextOptions, topicTexts } from './topic-texts.js';
