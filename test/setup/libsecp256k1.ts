// vitest setupFiles entry: run the test file on the libsecp256k1 (WebAssembly)
// secp256k1 backend, the way Node hosts (the XMTP node, benchmarks) run.
import { useLibsecp256k1 } from '../../src/protocol/crypto/libsecp256k1.ts'

useLibsecp256k1()
