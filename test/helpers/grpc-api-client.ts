// xmtp-js 13's ApiClient over gRPC, @xmtp/grpc-api-client, loaded in Node tests. It is an ES
// module importing @xmtp/proto and @xmtp/xmtp-js, whose ESM builds use extensionless imports
// plain Node refuses; a resolve hook maps those two specifiers to their CommonJS builds (the
// ones the tests already load through require, so both share one copy of xmtp-js).
import { createRequire, register } from 'node:module'
import { pathToFileURL } from 'node:url'

const require = createRequire(import.meta.url)
const TO_COMMONJS = Object.fromEntries(['@xmtp/proto', '@xmtp/xmtp-js'].map((name) => [name, pathToFileURL(require.resolve(name)).href]))

const HOOK = `let map = {}
export function initialize(data) { map = data }
export async function resolve(specifier, context, next) {
  const url = map[specifier]
  return url ? { url, format: 'commonjs', shortCircuit: true } : next(specifier, context)
}`

let loaded: Promise<new (apiUrl: string, isSecure: boolean, appVersion?: string) => any> | undefined // eslint-disable-line @typescript-eslint/no-explicit-any

/** The GrpcApiClient class (the module loads once per test process). */
export function loadGrpcApiClient() {
  loaded ??= (async () => {
    register(`data:text/javascript,${encodeURIComponent(HOOK)}`, { data: TO_COMMONJS })
    const url = pathToFileURL(require.resolve('@xmtp/grpc-api-client')).href
    const module = (await import(/* @vite-ignore */ url)) as { GrpcApiClient: new (apiUrl: string, isSecure: boolean, appVersion?: string) => any } // eslint-disable-line @typescript-eslint/no-explicit-any
    return module.GrpcApiClient
  })()
  return loaded
}

/** Client.create options that put an xmtp-js client on the node's gRPC port. */
export async function grpcClientOptions(grpcAddress: string, extra: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const GrpcApiClient = await loadGrpcApiClient()
  // Plain text to 127.0.0.1 (fromOptions would turn TLS on for anything but "localhost").
  return { env: 'local', apiClientFactory: (options: { appVersion?: string }) => quiet(new GrpcApiClient(grpcAddress, false, options.appVersion)), ...extra }
}

const silent = { error() {}, warn() {}, info() {}, debug() {}, trace() {}, child: () => silent }

/** The client logs every stream it cancels itself (closing a stream) as an error; not here. */
export function quiet<T extends { setLogger(logger: unknown): void }>(api: T): T {
  api.setLogger(silent)
  return api
}
