export * from './safe-xml.js';
