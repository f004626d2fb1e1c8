export * from './authorization.ts';
export * from './examples.ts';
export * from './parse-message.ts';
export * from './payloads.ts';
export * from './protocol-document.ts';
export * from './topics.ts';
