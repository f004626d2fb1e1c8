export * from './broker.ts';
export * from './credentials.ts';
export * from './demo-credentials.ts';
export * from './errors.ts';
export * from './outgoing-queues.ts';
export * from './password.ts';
export * from './rate-limit.ts';
