import type { Response } from 'express';

/*
 * What the data-checking controllers share: who may call their routes (declared per route; the services take the
 * participation and caller, so the web pages can call them too) and how a CSV download is sent.
 */

export const EVERYONE = { migration: {} };
export const CHECKERS = { migration: { roles: ['practice' as const, 'delivery-partner' as const] } };
export const FIGURE_GIVERS = {
  migration: {
    roles: ['practice' as const, 'delivery-partner' as const, 'current-supplier' as const, 'new-supplier' as const],
  },
};

/** Sends `csv` as a download named `name`. */
export function csvDownload(res: Response, name: string, csv: string): string {
  res.type('text/csv; charset=utf-8').setHeader('Content-Disposition', `attachment; filename="${name}"`);
  return csv;
}
