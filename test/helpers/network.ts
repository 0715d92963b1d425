// Reading the node directly in tests: what is stored on a topic.
import { ApiClient } from '../../src/protocol/api/index.ts'
import { contactTopic, inviteTopic, privateStoreTopic } from '../../src/protocol/topics.ts'

export function rawApi(apiUrl: string): ApiClient {
  return new ApiClient({ apiUrl })
}

/** Number of envelopes stored on each identity topic of `address`. */
export async function identityTopicCounts(api: ApiClient, address: string): Promise<{ contact: number; privateStore: number; invite: number }> {
  const [contact, privateStore, invite] = await Promise.all(
    [contactTopic(address), privateStoreTopic(address), inviteTopic(address)].map((contentTopic) => api.query({ contentTopic })),
  )
  return { contact: contact!.length, privateStore: privateStore!.length, invite: invite!.length }
}
