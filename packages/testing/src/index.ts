// @tdl/testing: the properties every model file implies, checked with fast-check on shrunk
// configurations (`testModel`), and equivalence of two model files (`testEquivalence`).
export { testModel, reproduceCommand, type TestOptions, type ModelReport, type PropertyResult, type Status } from './run.js';
export { formatReport, reportPassed } from './report.js';
export { PROPERTIES } from './properties/index.js';
export type { Property, Case, Host, Inconclusive } from './property.js';
export { Checker, ConfigError, shrinkConfig, configArbitrary, structureOf, type Config, type ModelSource, type Shrunk } from './config.js';
export { liveWeights, makeSubject, type Subject } from './subject.js';
export { testEquivalence, formatEquivalence, type EquivOptions, type EquivReport } from './equiv.js';
export { checkExpectation, describeExpectation, type ExpectationResult, type ReadModel } from './expectations.js';
