export * from './ResourceDefinition';
export * from './jobStatus';
export * from './distributionPolicy';
export * from './classificationPolicy';
export * from './exceptionPolicy';
export * from './queue';
export * from './job';
export * from './worker';
