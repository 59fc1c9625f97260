export * from './code.js';
export * from './encoding.js';
