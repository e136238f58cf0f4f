// Config sections and presets: how a model file reads a Hugging Face config.json, and the sizes it names.
export { checkSettings, type SettingsResult } from './check.js';
export { readConfig, claimStrength, type ConfigReading } from './read.js';
export { readSection, type ConfigSection, type ConfigRule, type ConfigClaims } from './rules.js';
export { readPreset, type Preset } from './presets.js';
export type { ConfigValue } from './values.js';
