export * from './card-number.js';
export * from './record.js';
export * from './vocabulary.js';
