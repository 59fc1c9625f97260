// The few parts of autocannon's API the predict bench uses (the package ships no types).
declare module 'autocannon' {
  interface Percentiles {
    average: number;
    p50: number;
    p90: number;
    p99: number;
    max: number;
  }
  interface Result {
    latency: Percentiles;
    requests: Percentiles & { total: number; mean: number };
    errors: number;
    timeouts: number;
    non2xx: number;
    duration: number;
  }
  interface Options {
    url: string;
    connections?: number;
    duration?: number;
    pipelining?: number;
    method?: string;
    headers?: Record<string, string>;
    requests?: Array<{
      method?: string;
      path?: string;
      body?: string;
      headers?: Record<string, string>;
    }>;
  }
  function autocannon(options: Options): Promise<Result>;
  export default autocannon;
}
