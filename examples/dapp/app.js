// A dapp using Parley through window.xmtp: discovery, connect, list, start, send, live messages.
// Plain script, no build step, so it reads like what a dapp developer would write.
//
// The namespace rule: this site owns the conversation ids `location.host` and
// `location.host + '/…'`. Sending to an address (no topic) writes into this site's own
// conversation with that peer, which the site can list, read and hear replies on.
'use strict'

const $ = (id) => document.getElementById(id)
const state = { provider: null, account: null, topic: null, subscriptionId: null, seen: new Set() }
const NAMESPACE = location.host
$('namespace').textContent = NAMESPACE
$('namespace-sub').textContent = NAMESPACE
$('conversation-id').value = `${NAMESPACE}/support`

function showError(error) {
  $('error').textContent = error ? `${error.message}${error.code ? ` (code ${error.code})` : ''}` : ''
}

// ── Discovery: listen for announcements, then ask providers to announce themselves. ──
window.addEventListener('xmtp:announceProvider', (event) => {
  if (state.provider) return
  const { info, provider } = event.detail
  state.provider = provider
  $('provider-status').textContent = `Found ${info.name} (${info.rdns})`
  $('provider-status').dataset.state = 'found'
  $('connect').disabled = false
  provider.on('accountsChanged', (accounts) => setAccount(accounts[0] ?? null))
  provider.on('message', ({ message }) => {
    if (message.topic === state.topic) addMessage(message)
    else void refresh()
  })
  provider.request({ method: 'xmtp_accounts' }).then((accounts) => setAccount(accounts[0] ?? null), () => {})
})
window.dispatchEvent(new Event('xmtp:requestProvider'))
setTimeout(() => {
  if (!state.provider) $('provider-status').textContent = 'No XMTP provider found. Install Parley and reload.'
}, 1500)

async function call(method, params) {
  showError(null)
  try {
    return await state.provider.request(params === undefined ? { method } : { method, params })
  } catch (error) {
    showError(error)
    throw error
  }
}

function setAccount(account) {
  state.account = account
  $('account').textContent = account ?? '–'
  $('connect').textContent = account ? 'Connected' : 'Connect'
  document.body.dataset.connected = account ? 'yes' : 'no'
  if (account) void refresh().then(subscribe)
  else {
    $('conversations').replaceChildren()
    state.subscriptionId = null
  }
}

$('connect').addEventListener('click', async () => {
  const accounts = await call('xmtp_requestAccounts')
  setAccount(accounts[0] ?? null)
})

async function refresh() {
  const conversations = await call('xmtp_listConversations')
  $('conversations').replaceChildren(
    ...conversations.map((c) => {
      const li = document.createElement('li')
      li.textContent = `${c.peerAddress}${c.context ? ` · ${c.context.conversationId}` : ''}`
      li.dataset.topic = c.topic
      if (c.topic === state.topic) li.className = 'active'
      li.addEventListener('click', () => void open(c))
      return li
    }),
  )
}

// Idempotent: calling it again (after a reconnect, say) answers the same subscription and never
// doubles the events.
async function subscribe() {
  state.subscriptionId = (await call('xmtp_subscribe')).subscriptionId
}
$('refresh').addEventListener('click', () => void refresh())

$('start-form').addEventListener('submit', async (event) => {
  event.preventDefault()
  const peerAddress = $('peer').value.trim()
  const conversationId = $('conversation-id').value.trim()
  const params = conversationId ? { peerAddress, context: { conversationId, metadata: { app: 'parley-example' } } } : { peerAddress }
  const conversation = await call('xmtp_newConversation', params)
  await refresh()
  await open(conversation)
})

$('direct-form').addEventListener('submit', async (event) => {
  event.preventDefault()
  // No topic: Parley sends in this site's conversation with the peer (context.conversationId = location.host).
  const message = await call('xmtp_sendMessage', { peerAddress: $('direct-peer').value.trim(), content: $('direct-text').value })
  $('direct-text').value = ''
  await refresh()
  const conversation = (await call('xmtp_listConversations')).find((c) => c.topic === message.topic)
  if (conversation) await open(conversation)
})

async function open(conversation) {
  state.topic = conversation.topic
  state.seen.clear()
  $('chat-peer').textContent = `with ${conversation.peerAddress}`
  $('messages').replaceChildren()
  const page = await call('xmtp_getMessages', { topic: conversation.topic, limit: 50 })
  page.messages.forEach(addMessage)
  for (const li of $('conversations').children) li.className = li.dataset.topic === state.topic ? 'active' : ''
}

function addMessage(message) {
  if (state.seen.has(message.id)) return
  state.seen.add(message.id)
  const li = document.createElement('li')
  const mine = state.account && message.senderAddress.toLowerCase() === state.account.toLowerCase()
  li.className = mine ? 'mine' : 'theirs'
  li.dataset.id = message.id
  li.textContent = `${mine ? 'me' : message.senderAddress.slice(0, 8)}: ${message.content.type === 'text' ? message.content.text : `[${message.content.type}]`}`
  $('messages').append(li)
}

$('send-form').addEventListener('submit', async (event) => {
  event.preventDefault()
  if (!state.topic) return showError({ message: 'Open a conversation first.' })
  const text = $('text').value
  const message = await call('xmtp_sendMessage', { topic: state.topic, content: text })
  $('text').value = ''
  addMessage(message)
})
