import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Logger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import connectPgSimple from 'connect-pg-simple';
import cookieParser from 'cookie-parser';
import { doubleCsrf } from 'csrf-csrf';
import { urlencoded, type NextFunction, type Request, type Response } from 'express';
import session from 'express-session';
import multer from 'multer';
import nunjucks from 'nunjucks';
import { Pool } from 'pg';
import { validateEnvironment } from '@idp/config';
import { pgPoolOptions } from '@idp/persistence';
import { MAX_UPLOAD_BYTES, UPLOAD_REFUSAL } from './uploads';

/** Paths that are the API or its tooling, where sessions and CSRF tokens have no business. */
const NOT_PAGES = /^\/(v\d+|docs|docs-json|health|assets)(\/|$)/;

const sessionLogger = new Logger('sessions');

/** Page routes that take a file: a CSV of selected patients, or of report figures. */
const UPLOADS = /^\/migrations\/[^/]+\/data-checking\/(patients|report-figures)\.csv$/;

/** The views live beside the sources; the build runs from a checkout, so dist/ finds them there too. */
const VIEWS = [path.join(__dirname, 'views'), path.resolve(__dirname, '../../../../../apps/api/src/web/views')].find(
  (dir) => existsSync(dir),
)!;
const NHSUK = path.dirname(require.resolve('nhsuk-frontend/package.json'));

declare module 'express-session' {
  interface SessionData {
    userId?: string;
    oidc?: { state: string; nonce: string; codeVerifier: string; next?: string };
    flash?: string;
    /** Set on the sign-in page so an anonymous visitor's session (and its CSRF token) lasts until they submit. */
    visited?: boolean;
  }
}

/**
 * The people's side of the app: Nunjucks with the NHS design system (its CSS, JS and images served from
 * `/assets`, nothing external), sessions in Postgres (`user_session`), and double-submit CSRF tokens on every form.
 */
export function setupWebPages(app: NestExpressApplication): void {
  const env = validateEnvironment(process.env);
  const secret = env.SESSION_SECRET!;
  const secure = env.PUBLIC_BASE_URL.startsWith('https:');
  const express = app.getHttpAdapter().getInstance();
  if (secure) app.set('trust proxy', 1);

  nunjucks.configure([VIEWS, path.join(NHSUK, 'dist'), path.join(NHSUK, 'dist', 'nhsuk')], {
    autoescape: true,
    express,
    noCache: false,
  });
  app.setViewEngine('njk');

  const dist = path.join(NHSUK, 'dist', 'nhsuk');
  app.useStaticAssets(path.join(dist, 'assets'), { prefix: '/assets', maxAge: '1h' });
  // Only the built stylesheet and script of the design system: its folder also holds sources and templates.
  for (const file of ['nhsuk-frontend.min.css', 'nhsuk-frontend.min.js']) {
    express.get(`/assets/${file}`, (_req: Request, res: Response) =>
      res.sendFile(path.join(dist, file), { maxAge: '1h' }),
    );
  }

  const PgStore = connectPgSimple(session);
  // The same time limit per statement as the API's own pool: a frozen Postgres gives the 503 page, not a hang.
  const pool = new Pool({
    connectionString: env.DATABASE_URL,
    ...pgPoolOptions({ poolSize: 4, queryTimeoutMs: env.DATABASE_QUERY_TIMEOUT_MS }),
  });
  // An idle connection that Postgres drops (a restart) is an error of the pool's: without a listener it would stop
  // the process. The pool replaces the connection when next asked.
  pool.on('error', (error) => sessionLogger.warn({ msg: 'session database connection lost', error: String(error) }));
  app.getHttpServer().on('close', () => void pool.end());
  const sessions = session({
    name: secure ? '__Host-idp.sid' : 'idp.sid',
    secret,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    store: new PgStore({ pool, tableName: 'user_session', createTableIfMissing: false, pruneSessionInterval: 600 }),
    cookie: { httpOnly: true, sameSite: 'lax', secure, maxAge: 8 * 60 * 60_000, path: '/' },
  });
  const { doubleCsrfProtection, generateCsrfToken } = doubleCsrf({
    getSecret: () => secret,
    getSessionIdentifier: (req) => req.session.id,
    cookieName: secure ? '__Host-idp.csrf' : 'idp.csrf',
    cookieOptions: { httpOnly: true, sameSite: 'lax', secure, path: '/' },
    getCsrfTokenFromRequest: (req) => (req.body as Record<string, string> | undefined)?._csrf,
  });
  const pagesOnly =
    (middleware: (req: Request, res: Response, next: NextFunction) => void) =>
    (req: Request, res: Response, next: NextFunction) =>
      NOT_PAGES.test(req.path) ? next() : middleware(req, res, next);

  app.use(
    pagesOnly((req, res, next) => {
      // A fresh nonce per page lets the design system's one inline script run under a strict CSP.
      res.locals.cspNonce = randomBytes(16).toString('base64');
      next();
    }),
  );
  // Form posts on pages only: the API takes JSON and nothing else.
  app.use(pagesOnly(urlencoded({ extended: false, limit: '64kb' })));
  app.use(pagesOnly(cookieParser()));
  app.use(
    pagesOnly((req, res, next) =>
      sessions(req, res, (error?: unknown) => {
        // express-session saves a changed session as the page is sent and reports a failed save here too, once the
        // page is out: nothing to answer then (a second answer would throw from a timer and stop the process).
        if (error && res.headersSent) {
          sessionLogger.warn({ msg: 'session not saved', path: req.path, error: String(error) });
          return;
        }
        // The session store is Postgres: when it is down, say so plainly rather than with Express's stack trace.
        if (error) {
          res.status(503).render('error.njk', {
            cspNonce: res.locals.cspNonce,
            title: 'Sorry, the service is unavailable',
            message: 'A service this page needs cannot be reached right now. Nothing was changed; try again shortly.',
          });
          return;
        }
        next();
      }),
    ),
  );
  // A file form's fields (its CSRF token among them) arrive in the multipart body: read it, in memory and
  // bounded, before the CSRF check. One file and a few fields, on the upload routes, from signed-in people only
  // (anyone else's post is left unread and fails the CSRF check). A file refused here (too big, a malformed body)
  // is left for the page to explain beside its form, once the CSRF token read before the file has been checked.
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 4, parts: 5 },
  }).single('file');
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'POST' || !UPLOADS.test(req.path) || !req.session?.userId) return next();
    upload(req, res, (error?: unknown) => {
      if (error) {
        res.locals[UPLOAD_REFUSAL] =
          error instanceof multer.MulterError && error.code === 'LIMIT_FILE_SIZE' ? 'too-big' : 'unreadable';
      }
      next();
    });
  });
  app.use(
    pagesOnly((req, res, next) => {
      doubleCsrfProtection(req, res, (error?: unknown) => {
        if (error) {
          res.status(403).render('error.njk', {
            cspNonce: res.locals.cspNonce,
            title: 'This form has expired',
            message: 'The page was open too long or you signed in elsewhere. Go back, reload the page and try again.',
          });
          return;
        }
        res.locals.csrfToken = generateCsrfToken(req, res);
        next();
      });
    }),
  );
}

/** The CSP directive that lets a page's nonce-carrying inline script run. */
export const scriptNonce = (_req: unknown, res: unknown) => `'nonce-${(res as Response).locals.cspNonce ?? 'none'}'`;
