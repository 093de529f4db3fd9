export * from './alarm-name';
