import { whenInWords, type RenderedMessage } from '../message';

export interface DigestMigration {
  migrationId: string;
  practiceName: string;
  practiceOdsCode: string;
  stage: string;
  status: string;
  atRisk: boolean;
  plannedGoLive: string;
  forecastGoLive: string;
}

export interface DigestOverdueMilestone {
  practiceName: string;
  practiceOdsCode: string;
  title: string;
  ownerRole: string;
  dueAt: number;
}

export interface DigestForecastChange {
  practiceName: string;
  practiceOdsCode: string;
  previousForecastGoLive: string;
  forecastGoLive: string;
}

export interface WeeklyDigest {
  organisationName: string;
  /** The digest's date in London (YYYY-MM-DD). */
  weekOf: string;
  migrations: DigestMigration[];
  overdue: DigestOverdueMilestone[];
  forecastChanges: DigestForecastChange[];
  /** False on an organisation's first digest: there is nothing to compare with yet. */
  hasPreviousDigest: boolean;
  portfolioUrl: string;
}

const ROLE_NAMES: Record<string, string> = {
  icb: 'ICB',
  'delivery-partner': 'delivery partner',
  'current-supplier': 'current supplier',
  'new-supplier': 'new supplier',
  practice: 'practice',
};

const DATE = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
/** 2027-03-15 as "15 March 2027". */
const dateInWords = (isoDate: string) => DATE.format(new Date(`${isoDate}T00:00:00Z`));

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const practice = (p: { practiceName: string; practiceOdsCode: string }) => `${p.practiceName} (${p.practiceOdsCode})`;

/** The digest's sections: a heading and its lines, the same for text and HTML. */
function sections(d: WeeklyDigest): Array<{ heading: string; lines: string[]; empty: string }> {
  return [
    {
      heading: `Your migrations (${d.migrations.length})`,
      lines: d.migrations.map(
        (m) =>
          `${practice(m)}: ${m.stage}${m.status === 'paused' ? ' (paused)' : ''}; forecast go-live ${dateInWords(m.forecastGoLive)}${m.forecastGoLive !== m.plannedGoLive ? ` (planned ${dateInWords(m.plannedGoLive)})` : ''}.`,
      ),
      empty: 'None in progress.',
    },
    {
      heading: `Overdue (${d.overdue.length})`,
      lines: d.overdue.map(
        (o) =>
          `${practice(o)}: ${o.title}, for the ${ROLE_NAMES[o.ownerRole] ?? o.ownerRole}, was due by ${whenInWords(o.dueAt)}.`,
      ),
      empty: 'Nothing is overdue.',
    },
    {
      heading: `At risk (${d.migrations.filter((m) => m.atRisk).length})`,
      lines: d.migrations
        .filter((m) => m.atRisk)
        .map(
          (m) =>
            `${practice(m)}: ${m.forecastGoLive > m.plannedGoLive ? `forecast go-live ${dateInWords(m.forecastGoLive)} is later than the planned ${dateInWords(m.plannedGoLive)}` : 'work is overdue and may move the go-live date'}.`,
        ),
      empty: 'No migration is at risk.',
    },
    {
      heading: 'Forecast go-live changes since the last digest',
      lines: d.forecastChanges.map(
        (c) =>
          `${practice(c)}: moved from ${dateInWords(c.previousForecastGoLive)} to ${dateInWords(c.forecastGoLive)}.`,
      ),
      empty: d.hasPreviousDigest
        ? 'No forecast has changed.'
        : 'This is your first digest: changes show from next week.',
    },
  ];
}

/**
 * The weekly digest to an ICB or a delivery partner: its migrations, what is overdue, what is at risk and how
 * forecast go-live dates moved since the last digest. Practice names and ODS codes only; never patient data.
 */
export function renderWeeklyDigest(d: WeeklyDigest): RenderedMessage {
  const parts = sections(d);
  const subject = `Weekly IDP digest for ${d.organisationName}: ${d.overdue.length} overdue, ${d.forecastChanges.length} forecast ${d.forecastChanges.length === 1 ? 'change' : 'changes'}`;
  const intro = `This is the initial data production (IDP) summary for ${d.organisationName}, week of ${dateInWords(d.weekOf)}.`;
  const text = [
    `Dear ${d.organisationName},`,
    '',
    intro,
    ...parts.flatMap((s) => ['', s.heading, ...(s.lines.length ? s.lines.map((l) => `- ${l}`) : [s.empty])]),
    '',
    `See every migration: ${d.portfolioUrl}`,
    '',
    'IDP Orchestrator',
  ].join('\n');
  const html = [
    `<p>Dear ${escapeHtml(d.organisationName)},</p>`,
    `<p>${escapeHtml(intro)}</p>`,
    ...parts.flatMap((s) => [
      `<h2>${escapeHtml(s.heading)}</h2>`,
      s.lines.length
        ? `<ul>\n${s.lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('\n')}\n</ul>`
        : `<p>${escapeHtml(s.empty)}</p>`,
    ]),
    `<p><a href="${escapeHtml(d.portfolioUrl)}">See every migration</a></p>`,
    '<p>IDP Orchestrator</p>',
  ].join('\n');
  return { subject, text, html };
}
