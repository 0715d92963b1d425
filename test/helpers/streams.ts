// Reading async iterators in tests without hanging forever.

/** The next value of `iterator`, or a rejection after `ms`. */
export async function nextWithin<T>(iterator: AsyncIterator<T>, ms = 15_000, what = 'stream value'): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms)
  })
  try {
    const result = await Promise.race([iterator.next(), timeout])
    if (result.done) throw new Error(`stream ended while waiting for a ${what}`)
    return result.value
  } finally {
    clearTimeout(timer)
  }
}

/** Resolves true if `iterator` yields nothing within `ms` (the pending next() is left to the caller's return()). */
export async function quietFor<T>(iterator: AsyncIterator<T>, ms: number): Promise<{ quiet: true } | { quiet: false; value: T }> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms)
  })
  const result = await Promise.race([iterator.next(), timeout])
  clearTimeout(timer)
  if (result === 'timeout' || result.done) return { quiet: true }
  return { quiet: false, value: result.value }
}

/** Values of `iterator` until `done(values)` holds (each wait bounded by `ms`). */
export async function collectUntil<T>(iterator: AsyncIterator<T>, done: (values: T[]) => boolean, ms = 15_000): Promise<T[]> {
  const values: T[] = []
  while (!done(values)) values.push(await nextWithin(iterator, ms))
  return values
}
