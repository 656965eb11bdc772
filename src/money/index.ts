export * from './fen.js';
export * from './normalize-text.js';
export * from './parse-amount.js';
export * from './rate.js';
export * from './result.js';
export * from './round.js';
