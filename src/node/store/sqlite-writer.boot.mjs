// Entry of the SQLite writer thread: worker threads do not inherit the tsx loader the node
// runs under, so this plain module installs it and loads the TypeScript worker.
import { register } from 'tsx/esm/api'

register()
await import('./sqlite-writer.worker.ts')
