// Public surface of the consent layer (§11): private-preferences topic and encryption, and
// the consent list state machine.
export {
  preferencesTopicIdentifier,
  preferencesTopic,
  buildPreferencesTopic,
  encodePreferencesAction,
  decodePreferencesAction,
  encryptPreferencesAction,
  decryptPreferencesAction,
  type PreferencesAction,
  type ConsentState,
  type ConsentEntryType,
} from './private-preferences.ts'
export { ConsentList, type ConsentEntry } from './consent-list.ts'
export { PreferencesError, PreferencesDecryptionError, MalformedPreferencesError } from './errors.ts'
