export {
  type Contact,
  type VerifiedContact,
  ContactBundleError,
  encodeContactBundleV1,
  encodeContactBundleV2,
  contactPayloads,
  decodeContactBundle,
  verifyContact,
  selectContact,
  contactLegacyBundle,
  needsPublish,
} from './contact-bundle.ts'
