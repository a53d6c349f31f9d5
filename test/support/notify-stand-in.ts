import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import jwt from 'jsonwebtoken';
import { freePort } from './api-process';

/** A GOV.UK Notify API key for tests: `<key name>-<service id>-<secret>`. */
export function notifyApiKey(name = 'idp_test'): { apiKey: string; serviceId: string; secret: string } {
  const serviceId = randomUUID();
  const secret = randomUUID();
  return { apiKey: `${name}-${serviceId}-${secret}`, serviceId, secret };
}

export interface NotifyRequest {
  type: 'email' | 'sms';
  /** The JWT's issuer: the service id the client signed for. */
  serviceId: string;
  body: {
    template_id: string;
    email_address?: string;
    phone_number?: string;
    personalisation?: Record<string, string>;
    reference?: string;
  };
}

export interface NotifyStandIn {
  baseUrl: string;
  /** Requests Notify would have accepted, in order. */
  accepted: NotifyRequest[];
  /** Requests it refused, with the status it answered. */
  refused: Array<{ status: number; path: string; message: string }>;
  /** Answer the next request with this 5xx, as Notify does when it has a problem. */
  failNext(status: number): void;
  /** Answer the `nth` request from now (1: the next) with this 5xx; the ones before it are answered as usual. */
  failNth(nth: number, status: number): void;
  /**
   * Accept the next request but answer it only after `ms`, as a Notify that is slow to answer (or whose answer is
   * lost) may still send the message.
   */
  answerNextAfter(ms: number): void;
  close(): Promise<void>;
}

export interface NotifyStandInOptions {
  serviceId: string;
  secret: string;
  templates: { email: string; sms: string };
  /** Personalisation fields each template uses; a missing one is refused as Notify refuses it. */
  fields: { email: string[]; sms: string[] };
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** UK mobile numbers, as Notify accepts them: 07…, +447…, 00447…, spaces allowed. */
const UK_MOBILE = /^(\+44|0044|0)7\d{9}$/;

/**
 * A local stand-in for the GOV.UK Notify API (`POST /v2/notifications/email` and `/sms`): it checks the bearer
 * JWT as Notify does (HS256, `iss` = service id, `iat` within 30 seconds, signed with the API key's secret), checks
 * the body, and answers with Notify's shapes: 201 with the notification, or 400/403 with `status_code` and
 * `errors[]`.
 */
export async function startNotifyStandIn(options: NotifyStandInOptions): Promise<NotifyStandIn> {
  const accepted: NotifyRequest[] = [];
  const refused: NotifyStandIn['refused'] = [];
  let failures: number[] = [];
  let delays: number[] = [];

  const answer = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const refuse = (res: ServerResponse, path: string, status: number, error: string, message: string) => {
    refused.push({ status, path, message });
    answer(res, status, { status_code: status, errors: [{ error, message }] });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '';
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const match = /^\/v2\/notifications\/(email|sms)$/.exec(path);
    if (req.method !== 'POST' || !match) return refuse(res, path, 404, 'NotFound', 'Not found');
    const type = match[1] as 'email' | 'sms';
    const delay = delays.shift();

    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!token) return refuse(res, path, 401, 'AuthError', 'Unauthorized: authentication token must be provided');
    let claims: jwt.JwtPayload;
    try {
      claims = jwt.verify(token, options.secret, { algorithms: ['HS256'], ignoreExpiration: true }) as jwt.JwtPayload;
    } catch {
      return refuse(res, path, 403, 'AuthError', 'Invalid token: API key not found');
    }
    if (claims.iss !== options.serviceId)
      return refuse(res, path, 403, 'AuthError', 'Invalid token: service not found');
    if (typeof claims.iat !== 'number' || Math.abs(Date.now() / 1000 - claims.iat) > 30)
      return refuse(res, path, 403, 'AuthError', 'Error: Your system clock must be accurate to within 30 seconds');

    const failure = failures.shift();
    if (failure) return refuse(res, path, failure, 'Exception', 'Internal server error');

    let body: NotifyRequest['body'];
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return refuse(res, path, 400, 'BadRequestError', 'Invalid JSON supplied in POST data');
    }
    if (body.template_id !== options.templates[type])
      return refuse(res, path, 400, 'BadRequestError', 'Template not found');
    if (type === 'email' && !EMAIL.test(body.email_address ?? ''))
      return refuse(res, path, 400, 'ValidationError', 'email_address Not a valid email address');
    if (type === 'sms' && !UK_MOBILE.test((body.phone_number ?? '').replace(/[\s()-]/g, '')))
      return refuse(res, path, 400, 'ValidationError', 'phone_number Not a UK mobile number');
    const missing = options.fields[type].filter((f) => typeof body.personalisation?.[f] !== 'string');
    if (missing.length > 0)
      return refuse(res, path, 400, 'BadRequestError', `Missing personalisation: ${missing.join(', ')}`);
    if (body.reference !== undefined && typeof body.reference !== 'string')
      return refuse(res, path, 400, 'ValidationError', 'reference is not a string');

    accepted.push({ type, serviceId: claims.iss, body });
    if (delay) await sleep(delay, undefined, { ref: false });
    const id = randomUUID();
    const fill = (text: string) => text.replace(/\(\(([a-z]+)\)\)/g, (_, f: string) => body.personalisation?.[f] ?? '');
    answer(res, 201, {
      id,
      reference: body.reference ?? null,
      uri: `${baseUrl}/v2/notifications/${id}`,
      template: {
        id: body.template_id,
        version: 1,
        uri: `${baseUrl}/services/${claims.iss}/templates/${body.template_id}`,
      },
      content:
        type === 'email'
          ? { subject: fill('((subject))'), body: fill('((body))'), from_email: 'idp@notifications.service.gov.uk' }
          : { body: fill('((subject)) ((link))'), from_number: 'GOVUK' },
    });
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => answer(res, 500, { status_code: 500, errors: [{ error: 'Exception' }] }));
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    accepted,
    refused,
    failNext: (status) => (failures = [...failures, status]),
    failNth: (nth, status) => {
      // 0 in the queue: no failure for that request.
      failures = Array.from({ length: Math.max(failures.length, nth) }, (_, i) => failures[i] ?? 0);
      failures[nth - 1] = status;
    },
    answerNextAfter: (ms) => (delays = [...delays, ms]),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // An answer still held back must not hold the close.
        server.closeAllConnections();
      }),
  };
}

/**
 * The stand-in with the templates our messages use, and the variables that point the apps' Notify channel at it
 * (the caller applies them, with anything else it needs, e.g. NOTIFY_TIMEOUT_MS).
 */
export async function startNotifyForApps(
  key: { apiKey: string; serviceId: string; secret: string },
  templates: { email: string; sms: string },
): Promise<{ notify: NotifyStandIn; env: Record<string, string> }> {
  const notify = await startNotifyStandIn({
    serviceId: key.serviceId,
    secret: key.secret,
    templates,
    fields: { email: ['subject', 'body'], sms: ['subject', 'link'] },
  });
  const env = {
    EMAIL_PROVIDER: 'notify',
    NOTIFY_API_KEY: key.apiKey,
    NOTIFY_BASE_URL: notify.baseUrl,
    NOTIFY_EMAIL_TEMPLATE_ID: templates.email,
    NOTIFY_SMS_TEMPLATE_ID: templates.sms,
  };
  return { notify, env };
}
