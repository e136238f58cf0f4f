// Batched decoding: the sequence-executor contract and the continuous batcher over it.
export * from './sequences.js';
export * from './batcher.js';
export { Replaying } from './replaying.js';
export { Channel } from './channel.js';
