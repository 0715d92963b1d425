import { render } from 'preact'
import browser from 'webextension-polyfill'
import { createRpcClient } from '../extension/rpc-client.ts'
import { App } from './App.tsx'
import './popup.css'

const client = createRpcClient((message) => browser.runtime.sendMessage(message))
const root = document.getElementById('app')
if (root) render(<App client={client} />, root)
