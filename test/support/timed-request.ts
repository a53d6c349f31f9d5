/** An HTTP answer with how long it took: the outage specs check both what came back and that it came promptly. */
export interface TimedAnswer {
  status: number;
  headers: Headers;
  text: string;
  /** Milliseconds from sending to the last byte. */
  took: number;
}

/**
 * One request to the API, JSON body if given, redirects not followed. One that has not answered after
 * `hangAfterMs` fails the test as a hang rather than waiting for Jest's timeout.
 */
export async function timedRequest(
  baseUrl: string,
  method: string,
  route: string,
  { body, headers = {}, hangAfterMs }: { body?: unknown; headers?: Record<string, string>; hangAfterMs: number },
): Promise<TimedAnswer> {
  const started = Date.now();
  const res = await fetch(`${baseUrl}${route}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    redirect: 'manual',
    signal: AbortSignal.timeout(hangAfterMs),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, took: Date.now() - started };
}
