// Node 20 lacks two ES2024/2025 built-ins that js-libp2p v3 calls (shared/notes/p2p-libp2p.md §2):
// Promise.withResolvers (streams, yamux, it-queue) and Set.prototype.difference. Without the
// first, createLibp2p fails with a misleading "Pubsub is not started". Every module that loads
// libp2p imports this one first; on Node 22+ both checks find the built-ins and do nothing.

interface Resolvers<T> {
  promise: Promise<T>
  resolve: (value: T | PromiseLike<T>) => void
  reject: (reason?: unknown) => void
}

const PromiseCtor = Promise as unknown as { withResolvers?: <T>() => Resolvers<T> }
if (typeof PromiseCtor.withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value: function withResolvers<T>(this: PromiseConstructor): Resolvers<T> {
      let resolve!: Resolvers<T>['resolve']
      let reject!: Resolvers<T>['reject']
      const promise = new this<T>((res, rej) => {
        resolve = res
        reject = rej
      })
      return { promise, resolve, reject }
    },
  })
}

const SetProto = Set.prototype as unknown as { difference?: unknown }
if (typeof SetProto.difference !== 'function') {
  Object.defineProperty(Set.prototype, 'difference', {
    configurable: true,
    writable: true,
    value: function difference<T>(this: Set<T>, other: { keys(): Iterable<T> }): Set<T> {
      const result = new Set(this)
      for (const value of other.keys()) result.delete(value)
      return result
    },
  })
}

export {}
