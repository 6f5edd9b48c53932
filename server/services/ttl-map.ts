/** A Map whose entries count as fresh for `ttlMs`: the read-through caches of the hot paths. */
export class TtlMap<V> {
  readonly #ttlMs: number
  readonly #entries = new Map<string, { value: V; at: number }>()

  constructor (ttlMs: number) {
    this.#ttlMs = ttlMs
  }

  /** The value if it is fresh, else undefined. */
  get (key: string): V | undefined {
    const hit = this.#entries.get(key)
    return hit && Date.now() - hit.at < this.#ttlMs ? hit.value : undefined
  }

  /** The value however old it is. */
  peek (key: string): V | undefined {
    return this.#entries.get(key)?.value
  }

  set (key: string, value: V): void {
    this.#entries.set(key, { value, at: Date.now() })
  }

  delete (key: string): void {
    this.#entries.delete(key)
  }

  deleteWhere (test: (value: V) => boolean): void {
    for (const [key, { value }] of this.#entries) if (test(value)) this.#entries.delete(key)
  }
}
