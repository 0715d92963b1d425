// Public surface of the crypto layer.
export { sha256, keccak256, hmacSha256, hkdfSha256 } from './hashes.ts'
export {
  type RecoverableSignature,
  PRIVATE_KEY_LENGTH,
  PUBLIC_KEY_LENGTH,
  isValidPrivateKey,
  isValidPublicKey,
  generatePrivateKey,
  getPublicKey,
  signDigest,
  verifyDigest,
  recoverPublicKey,
  ecdh,
} from './secp256k1.ts'
export {
  hashPersonalMessage,
  toChecksumAddress,
  isAddress,
  publicKeyToAddress,
  parseWalletSignature,
  formatWalletSignature,
  recoverWalletAddress,
} from './ethereum.ts'
export {
  type Ciphertext,
  encrypt,
  decrypt,
  ciphertextParts,
  encodeCiphertext,
  decodeCiphertext,
} from './ciphertext.ts'
export { type Secp256k1Backend, setSecp256k1Backend, secp256k1Backend } from './backend.ts'
export { randomBytes, zeroize } from './random.ts'
export { clearPeerPoints, peerPointStats } from './peer-points.ts'
export { DecryptionError, CiphertextFormatError, SignatureError } from './errors.ts'
