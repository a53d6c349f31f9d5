/** A one-line explanation of why Postgres could not be used, with the password removed from the URL. */
export function describeDatabaseError(error: unknown, url: string): string {
  const safeUrl = redactUrl(url);
  const e = error as { code?: string; message?: string };
  switch (e?.code) {
    case 'ECONNREFUSED':
      return `nothing is listening at ${safeUrl}; is PostgreSQL running, and is DATABASE_URL right?`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `the host in DATABASE_URL (${safeUrl}) cannot be resolved`;
    case '28P01':
    case '28000':
      return `PostgreSQL refused the user or password in DATABASE_URL (${safeUrl})`;
    case '3D000':
      return `the database named in DATABASE_URL (${safeUrl}) does not exist; create it first`;
    default:
      return `${e?.message ?? String(error)} (DATABASE_URL ${safeUrl})`;
  }
}

/** The URL with its password replaced by ***. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<unparseable URL>';
  }
}
