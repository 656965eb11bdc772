export * from './chinese-days-data.js';
export * from './expected-settle-date.js';
export * from './working-days.js';
