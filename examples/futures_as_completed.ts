/**
 * Port of the Python documentation's `ThreadPoolExecutor` / `as_completed`
 * example, with a local workload in place of the network (`load_url` makes a
 * page of a known size after a delay, and fails for one address):
 *
 * ```python
 * import concurrent.futures
 * import urllib.request
 *
 * URLS = ['http://www.foxnews.com/',
 *         'http://www.cnn.com/',
 *         'http://europe.wsj.com/',
 *         'http://www.bbc.co.uk/',
 *         'http://nonexistent-subdomain.python.org/']
 *
 * # Retrieve a single page and report the URL and contents
 * def load_url(url, timeout):
 *     with urllib.request.urlopen(url, timeout=timeout) as conn:
 *         return conn.read()
 *
 * # We can use a with statement to ensure threads are cleaned up promptly
 * with concurrent.futures.ThreadPoolExecutor(max_workers=5) as executor:
 *     # Start the load operations and mark each future with its URL
 *     future_to_url = {executor.submit(load_url, url, 60): url for url in URLS}
 *     for future in concurrent.futures.as_completed(future_to_url):
 *         url = future_to_url[future]
 *         try:
 *             data = future.result()
 *         except Exception as exc:
 *             print('%r generated an exception: %s' % (url, exc))
 *         else:
 *             print('%r page is %d bytes' % (url, len(data)))
 * ```
 *
 * Run: `deno run -A examples/futures_as_completed.ts`, `bun examples/futures_as_completed.ts`,
 * `node examples/futures_as_completed.ts` (Node 24) or
 * `node --import tsx examples/futures_as_completed.ts`.
 *
 * @module
 */
import { asCompleted, type Future, ThreadPoolExecutor } from "../mod.ts";

const URLS = [
  "http://www.foxnews.com/",
  "http://www.cnn.com/",
  "http://europe.wsj.com/",
  "http://www.bbc.co.uk/",
  "http://nonexistent-subdomain.python.org/",
];

/**
 * Stands in for `urllib.request.urlopen(url).read()`: after a delay that
 * depends on the address, a page whose size depends on it too; an unknown
 * host fails as a lookup would.
 */
async function loadUrl(url: string, timeout: number): Promise<Uint8Array> {
  const host = new URL(url).hostname;
  if (host.startsWith("nonexistent")) {
    throw new Error(`<urlopen error [Errno -2] Name or service not known: ${host}>`);
  }
  const latencyMs: Record<string, number> = {
    "www.foxnews.com": 700,
    "www.cnn.com": 1700,
    "europe.wsj.com": 200,
    "www.bbc.co.uk": 1200,
  };
  const delayMs = Math.min(timeout, latencyMs[host] ?? 100);
  await new Promise((resolve) => setTimeout(resolve, delayMs));
  return new TextEncoder().encode(`<html>${host.repeat(1000 + host.length * 37)}</html>`);
}

// `await using` cleans the workers up promptly, as Python's `with` statement.
await using executor = new ThreadPoolExecutor({ maxWorkers: 5 });
// Start the load operations and mark each future with its URL.
const futureToUrl = new Map<Future<Uint8Array>, string>(
  URLS.map((url) => [executor.submit(loadUrl, url, 60_000), url]),
);
for await (const done of asCompleted(futureToUrl.keys())) {
  // The loop yields the futures; TypeScript types a `for await` variable as a
  // thenable's value, so name it as the future it is.
  const future = done as unknown as Future<Uint8Array>;
  const url = futureToUrl.get(future)!;
  try {
    const data = await future.result();
    console.log(`'${url}' page is ${data.length} bytes`);
  } catch (error) {
    console.log(`'${url}' generated an exception: ${(error as Error).message}`);
  }
}
