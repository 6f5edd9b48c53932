// The slice of autocannon's programmatic API that bench/votes.ts uses (the package ships no types).
declare module 'autocannon' {
  interface RawRequest {
    method?: string
    path?: string
    headers?: Record<string, string>
    body?: string
  }
  interface RequestSpec extends RawRequest {
    setupRequest? (req: RawRequest, context: Record<string, any>): RawRequest
    onResponse? (status: number, body: string, context: Record<string, any>, headers: Record<string, string>): void
  }
  interface Histogram { average: number; mean: number; p50: number; p90: number; p99: number; max: number; total: number }
  interface Result {
    duration: number
    requests: Histogram
    latency: Histogram
    errors: number
    timeouts: number
    non2xx: number
    '2xx': number
  }
  interface Options {
    url: string
    connections?: number
    duration?: number
    pipelining?: number
    timeout?: number
    method?: string
    headers?: Record<string, string>
    requests?: RequestSpec[]
  }
  function autocannon (opts: Options): Promise<Result>
  export default autocannon
}
