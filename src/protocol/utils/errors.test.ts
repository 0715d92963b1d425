import { describe, expect, it } from 'vitest'
import { ReasonError } from './errors.ts'
import { KeyBundleError, PrivateKeyStoreError } from '../keys/errors.ts'
import { AuthTokenError } from '../auth/token.ts'
import { MessageV1Error } from '../messages/v1.ts'
import { InvalidMessageError } from '../messages/v2.ts'
import { InvalidInvitationError } from '../invitations/errors.ts'
import { ClientError } from '../client/errors.ts'

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
