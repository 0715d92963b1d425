import { describe, expect, it } from 'vitest'
import { DEFAULT_MAX_BODY_BYTES, DEFAULT_NODE_LIMITS } from './limits.ts'
import { admissionCost, bodyRules, MAX_ENVELOPE_JSON_BYTES, publishBytesCost } from './request-rules.ts'

describe('request rules', () => {
  it('charges a publish up front for the fewest envelopes its declared size can hold, at least one', () => {
    expect(publishBytesCost(0)).toBe(1)
    expect(publishBytesCost(MAX_ENVELOPE_JSON_BYTES)).toBe(1)
    expect(publishBytesCost(MAX_ENVELOPE_JSON_BYTES + 1)).toBe(2)
    expect(admissionCost('publish', String(DEFAULT_MAX_BODY_BYTES))).toEqual({ kind: 'publish', cost: 50 })
    expect(admissionCost('publish', undefined)).toEqual({ kind: 'publish', cost: 1 })
    expect(admissionCost('publish', 'garbage')).toEqual({ kind: 'publish', cost: 1 })
    expect(admissionCost('batchQuery', '100')).toEqual({ kind: 'default', cost: 1 })
  })

  it('a maximal envelope fits its own upfront charge: one envelope of the largest size pays one token', () => {
    const message = 'A'.repeat(Math.ceil(1_048_214 / 3) * 4)
    const body = JSON.stringify({ envelopes: [{ contentTopic: '\u0001'.repeat(300), timestampNs: '18446744073709551615', message }] })
    expect(publishBytesCost(Buffer.byteLength(body))).toBe(1)
  })

  it('sizes small bodies by their topic caps and never above --max-body-bytes', () => {
    expect(bodyRules('query', DEFAULT_NODE_LIMITS, DEFAULT_MAX_BODY_BYTES).maxBytes).toBe(64 * 1024 + 1000 * 640 + 1024)
    expect(bodyRules('subscribeAll', DEFAULT_NODE_LIMITS, DEFAULT_MAX_BODY_BYTES).maxBytes).toBe(64 * 1024 + 1024)
    expect(bodyRules('subscribe', DEFAULT_NODE_LIMITS, 4096).maxBytes).toBe(4096)
    expect(bodyRules('publish', DEFAULT_NODE_LIMITS, DEFAULT_MAX_BODY_BYTES).maxBytes).toBe(DEFAULT_MAX_BODY_BYTES)
  })
})
