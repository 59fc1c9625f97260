export { type RandomState, SeededRandom } from './seeded-random.js';
