import { describe, expect, it } from 'vitest'
import { ReasonError } from './errors.ts'
import { KeyBundleError, PrivateKeyStoreError } from '../keys/errors.ts'
import { AuthTokenError } from '../auth/token.ts'
import { MessageV1Error } from '../messages/v1.ts'
import { InvalidMessageError } from '../messages/v2.ts'
import { InvalidInvitationError } from '../invitations/errors.ts'
import { ClientError, EnvelopeSkippedError } from '../client/errors.ts'
import { ApiError, EnvelopeStreamError, GrpcCode, NetworkError, ResponseFormatError, ResponseTooLargeError, apiErrorFor } from '../api/errors.ts'
import { ContentError, DecompressedSizeError, MalformedContentError, RemoteAttachmentDecryptionError, RemoteAttachmentDigestError } from '../content/errors.ts'
import { CiphertextFormatError, CryptoError, DecryptionError, SignatureError } from '../crypto/errors.ts'
import { MalformedPreferencesError, PreferencesDecryptionError, PreferencesError } from '../consent/errors.ts'
import { ContactBundleError } from '../contacts/contact-bundle.ts'
import { ForgedSenderError } from '../messages/v2.ts'

describe('ReasonError subclasses', () => {
  const cases = [
    [new KeyBundleError('malformed', 'bundle needs an identity key and a pre-key'), 'KeyBundleError'],
    [new PrivateKeyStoreError('wrong-signature', 'does not open'), 'PrivateKeyStoreError'],
    [new AuthTokenError('expired', 'validating token: token expired'), 'AuthTokenError'],
    [new MessageV1Error('topic-mismatch', 'wrong topic'), 'MessageV1Error'],
    [new InvalidMessageError('invalid-signature', 'bad signature'), 'InvalidMessageError'],
    [new InvalidInvitationError('not-addressed-to-us', 'not ours'), 'InvalidInvitationError'],
    [new ClientError('closed', 'client is closed'), 'ClientError'],
  ] as const

  it.each(cases)('%s keeps its class name, reason, message and Error ancestry', (error, name) => {
    expect(error.name).toBe(name)
    expect(error.constructor.name).toBe(name)
    expect(error).toBeInstanceOf(ReasonError)
    expect(error).toBeInstanceOf(Error)
    expect(String(error)).toBe(`${name}: ${error.message}`)
    expect(error.cause).toBeUndefined()
  })

  it('classes stay distinct for instanceof, and carry a cause when given', () => {
    const cause = new Error('inner')
    const error = new InvalidInvitationError('invalid-bundle', 'header bundle does not verify', { cause })
    expect(error.reason).toBe('invalid-bundle')
    expect(error.message).toBe('header bundle does not verify')
    expect(error.cause).toBe(cause)
    expect(error).not.toBeInstanceOf(KeyBundleError)
    expect(new KeyBundleError('malformed', 'x')).not.toBeInstanceOf(PrivateKeyStoreError)
  })
})

describe('every error the library throws for a reason is a ReasonError (issue 24)', () => {
  const init = { method: 'publish', httpStatus: 500, code: GrpcCode.INTERNAL }
  const cases: Array<[ReasonError<string>, string, string]> = [
    [new ApiError('publish failed', init), 'ApiError', 'node-error'],
    [apiErrorFor({ ...init, code: GrpcCode.RESOURCE_EXHAUSTED, httpStatus: 429, serverMessage: 'slow down' }), 'RateLimitedError', 'rate-limited'],
    [apiErrorFor({ ...init, code: GrpcCode.UNAUTHENTICATED, httpStatus: 401, serverMessage: '' }), 'UnauthenticatedError', 'unauthenticated'],
    [apiErrorFor({ ...init, code: GrpcCode.INVALID_ARGUMENT, httpStatus: 400, serverMessage: '' }), 'InvalidRequestError', 'invalid-request'],
    [apiErrorFor({ ...init, code: GrpcCode.PERMISSION_DENIED, httpStatus: 403, serverMessage: '' }), 'PermissionDeniedError', 'permission-denied'],
    [new NetworkError('no answer', { method: 'query' }), 'NetworkError', 'network'],
    [new ResponseFormatError('not JSON', { method: 'query', httpStatus: 200 }), 'ResponseFormatError', 'malformed-response'],
    [new ResponseTooLargeError('query', 10), 'ResponseTooLargeError', 'response-too-large'],
    [new EnvelopeStreamError('closed', 'the envelope stream is closed'), 'EnvelopeStreamError', 'closed'],
    [new MalformedContentError('bad bytes'), 'MalformedContentError', 'malformed'],
    [new DecompressedSizeError(1024), 'DecompressedSizeError', 'too-large'],
    [new RemoteAttachmentDigestError(), 'RemoteAttachmentDigestError', 'attachment-digest-mismatch'],
    [new RemoteAttachmentDecryptionError('does not decrypt'), 'RemoteAttachmentDecryptionError', 'attachment-decryption-failed'],
    [new DecryptionError(), 'DecryptionError', 'decryption-failed'],
    [new CiphertextFormatError('bad nonce'), 'CiphertextFormatError', 'malformed-ciphertext'],
    [new SignatureError('does not recover'), 'SignatureError', 'invalid-signature'],
    [new PreferencesDecryptionError('another key'), 'PreferencesDecryptionError', 'decryption-failed'],
    [new MalformedPreferencesError('bad action'), 'MalformedPreferencesError', 'malformed'],
    [new ContactBundleError('bad contact'), 'ContactBundleError', 'malformed'],
    [new ForgedSenderError('0x0000000000000000000000000000000000000001'), 'ForgedSenderError', 'forged-sender'],
    [new EnvelopeSkippedError('/xmtp/0/m-x/proto', 'could not be opened'), 'EnvelopeSkippedError', 'unopenable'],
    [new ClientError('peer-mismatch', 'not with that peer'), 'ClientError', 'peer-mismatch'],
  ]

  it.each(cases)('%s is a ReasonError named %s with reason %s', (error, name, reason) => {
    expect(error).toBeInstanceOf(ReasonError)
    expect(error.name).toBe(name)
    expect(error.reason).toBe(reason)
    expect(String(error)).toBe(`${name}: ${error.message}`)
  })

  it('subclasses keep their place in their family', () => {
    expect(new ResponseTooLargeError('query', 10)).toBeInstanceOf(ResponseFormatError)
    expect(new NetworkError('x', {})).toBeInstanceOf(ApiError)
    expect(new DecompressedSizeError(1)).toBeInstanceOf(ContentError)
    expect(new SignatureError('x')).toBeInstanceOf(CryptoError)
    expect(new MalformedPreferencesError('x')).toBeInstanceOf(PreferencesError)
  })
})
