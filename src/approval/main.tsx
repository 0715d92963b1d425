// The approval window: one pending dapp request (its id in the URL), answered with
// "Approve" or "Reject". Closing the window counts as "Reject" (the background watches it).
import { render } from 'preact'
import browser from 'webextension-polyfill'
import { createRpcClient } from '../extension/rpc-client.ts'
import { ApprovalPage } from './ApprovalPage.tsx'
import './approval.css'

const client = createRpcClient((message) => browser.runtime.sendMessage(message))
const id = new URLSearchParams(location.search).get('id') ?? ''
const root = document.getElementById('app')
if (root) render(<ApprovalPage client={client} id={id} close={() => window.close()} />, root)
