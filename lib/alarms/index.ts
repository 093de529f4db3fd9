export * from './alarm-name';
export * from './alarm-event';
export * from './alarm-kinds';
