// Beam search: its options, the no-repeat-n-gram rule and the search over forking sequences.
export * from './options.js';
export * from './search.js';
export { bannedByNgram } from './ngram.js';
