// One password format for device and staff accounts, kept with the gateway's adapters.
export * from '../../gateway/src/adapters/password.ts';
