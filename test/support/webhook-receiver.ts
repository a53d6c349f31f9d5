import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { freePort } from './api-process';

export interface ReceivedWebhook {
  path: string;
  headers: IncomingHttpHeaders;
  /** Exactly the bytes that arrived: a signature is over these, not over re-serialised JSON. */
  rawBody: string;
  /** What the receiver answered. */
  status: number;
}

export interface WebhookReceiver {
  url: (path?: string) => string;
  received: ReceivedWebhook[];
  /** Statuses to answer the next requests with, in order; then 200. */
  answerNext(...statuses: number[]): void;
  close(): Promise<void>;
}

/** A supplier's webhook endpoint on loopback that records every request as it arrived. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  let queued: number[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = queued.shift() ?? 200;
      received.push({
        path: req.url ?? '',
        headers: req.headers,
        rawBody: Buffer.concat(chunks).toString('utf8'),
        status,
      });
      res.writeHead(status).end();
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: (path = '/idp-webhook') => `http://127.0.0.1:${port}${path}`,
    received,
    answerNext: (...statuses) => (queued = [...queued, ...statuses]),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
