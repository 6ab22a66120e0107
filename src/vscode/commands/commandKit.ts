// Renamed to invocation.ts; removed in the next commit once the remaining importers use the new path.
export * from './invocation';
