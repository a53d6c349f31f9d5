import { londonDateOf, workingDaysBetween, type MilestoneStatus } from '@idp/domain';

/*
 * How the pages say things: plain-English labels, RAG status (always as words as well as colour) and the two
 * server-rendered SVG pictures. Pure functions of what the services return.
 */

export const ROLE_LABELS: Record<string, string> = {
  icb: 'ICB',
  'delivery-partner': 'Delivery partner',
  'current-supplier': 'Current supplier',
  'new-supplier': 'New supplier',
  practice: 'Practice',
  operator: 'Operator',
  system: 'IDP Orchestrator',
};

export const STAGE_LABELS: Record<string, string> = {
  preparing: 'Preparing',
  'data-checking': 'Data checking',
  'awaiting-sign-off': 'Awaiting sign-off',
  'signed-off': 'Signed off',
  cancelled: 'Cancelled',
};

export const STATE_LABELS: Record<string, string> = {
  waiting: 'Waiting',
  open: 'Open',
  overdue: 'Overdue',
  done: 'Done',
  waived: 'Not needed',
};

export type Rag = 'red' | 'amber' | 'green' | 'closed';
export const RAG_LABELS: Record<Rag, string> = { red: 'Red', amber: 'Amber', green: 'Green', closed: 'Closed' };
/** nhsuk-tag colour classes; the tag's text carries the meaning too. */
export const RAG_TAGS: Record<Rag, string> = {
  red: 'nhsuk-tag--red',
  amber: 'nhsuk-tag--orange',
  green: 'nhsuk-tag--green',
  closed: 'nhsuk-tag--grey',
};
const RAG_FILL: Record<Rag, string> = { red: '#d5281b', amber: '#ed8b00', green: '#007f3b', closed: '#768692' };

/** Red: something is overdue. Amber: at risk (the forecast go-live has slipped, or too many rounds). Green: on track. */
export function ragOf(m: { status: string; overdueCount: number; atRisk: boolean }): Rag {
  if (m.status === 'signed-off' || m.status === 'cancelled') return 'closed';
  if (m.overdueCount > 0) return 'red';
  return m.atRisk ? 'amber' : 'green';
}

const DATE = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: 'Europe/London',
});
const DATE_TIME = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'Europe/London',
});

/** "15 Mar 2027" for a YYYY-MM-DD date or an ISO instant (in London time). */
export function formatDate(value: string | null | undefined): string {
  if (!value) return '';
  return DATE.format(new Date(value.length === 10 ? `${value}T12:00:00Z` : value));
}

export function formatDateTime(value: string | null | undefined): string {
  return value ? DATE_TIME.format(new Date(value)) : '';
}

const esc = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Stacked bars of migrations per stage, split by RAG, each segment labelled with its count. */
export function portfolioChart(items: Array<{ stage: string; rag: Rag; count: number }>): string {
  const stages = Object.keys(STAGE_LABELS);
  const rags: Rag[] = ['red', 'amber', 'green', 'closed'];
  const count = (stage: string, rag: Rag) =>
    items.filter((i) => i.stage === stage && i.rag === rag).reduce((n, i) => n + i.count, 0);
  const max = Math.max(1, ...stages.map((s) => rags.reduce((n, r) => n + count(s, r), 0)));
  const left = 150;
  const width = 460;
  const row = 34;
  const height = stages.length * row + 40;
  const summary = stages
    .map((s) => `${STAGE_LABELS[s]}: ${rags.map((r) => `${count(s, r)} ${RAG_LABELS[r].toLowerCase()}`).join(', ')}`)
    .join('. ');
  const bars = stages.map((stage, i) => {
    let x = left;
    const y = 10 + i * row;
    const segments = rags.map((rag) => {
      const n = count(stage, rag);
      if (!n) return '';
      const w = (n / max) * width;
      const seg = `<rect x="${x}" y="${y}" width="${w}" height="24" fill="${RAG_FILL[rag]}"><title>${STAGE_LABELS[stage]}, ${RAG_LABELS[rag]}: ${n}</title></rect>${
        w >= 18
          ? `<text x="${x + w / 2}" y="${y + 17}" text-anchor="middle" fill="#fff" font-size="14">${n}</text>`
          : ''
      }`;
      x += w;
      return seg;
    });
    return `<text x="${left - 8}" y="${y + 17}" text-anchor="end" font-size="14" fill="#212b32">${STAGE_LABELS[stage]}</text>${segments.join('')}`;
  });
  const legend = rags
    .map(
      (rag, i) =>
        `<rect x="${left + i * 110}" y="${height - 22}" width="14" height="14" fill="${RAG_FILL[rag]}"/><text x="${left + i * 110 + 20}" y="${height - 10}" font-size="13" fill="#212b32">${RAG_LABELS[rag]}</text>`,
    )
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${left + width + 20} ${height}" width="100%" role="img" aria-labelledby="portfolio-chart-title portfolio-chart-desc"><title id="portfolio-chart-title">Migrations by stage and RAG status</title><desc id="portfolio-chart-desc">${esc(summary)}</desc>${bars.join('')}${legend}</svg>`;
}

/** The Gantt's horizontal axis: where an instant falls, in the axis's unit, and what the unit is called. */
interface GanttScale {
  at(instant: string | number): number;
  unit: string;
  /** Go-live markers only make sense on a calendar axis. */
  calendar: boolean;
}

/**
 * Working days from kickoff for real migrations. A demo or test migration on compressed time (every deadline within
 * a couple of days of kickoff) gets minutes instead, or all its bars would sit on day 0.
 */
function ganttScale(kickoffMs: number, instants: number[]): GanttScale {
  const compressed = instants.length > 0 && Math.max(...instants) - kickoffMs < 2 * 86_400_000;
  if (compressed) {
    return { at: (t) => Math.max(0, (Number(new Date(t)) - kickoffMs) / 60_000), unit: 'minutes', calendar: false };
  }
  const start = londonDateOf(kickoffMs);
  return {
    at: (t) => {
      const date = typeof t === 'string' && t.length === 10 ? t : londonDateOf(Number(new Date(t)));
      return date <= start ? 0 : workingDaysBetween(start, date);
    },
    unit: 'working days',
    calendar: true,
  };
}

/**
 * Plan against actual per milestone, from kickoff: a pale bar from opening to the due date (the plan), a solid
 * bar from opening to completion or now (what happened), and lines at today and the planned and forecast go-live.
 */
export function ganttChart(input: {
  kickoff: string;
  now: number;
  plannedGoLive: string;
  forecastGoLive: string;
  milestones: MilestoneStatus[];
}): string {
  const kickoffMs = Date.parse(input.kickoff);
  const shown = input.milestones.filter((m) => m.state !== 'waived');
  const deadlines = shown.flatMap((m) => [m.dueAt, m.forecastAt].filter((t): t is string => !!t).map(Date.parse));
  const scale = ganttScale(kickoffMs, deadlines);
  const ends = [input.now, ...deadlines].map((t) => scale.at(t));
  if (scale.calendar) ends.push(scale.at(input.plannedGoLive), scale.at(input.forecastGoLive));
  const span = Math.max(scale.calendar ? 10 : 0.5, ...ends) * 1.04;
  const tick = [0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200].find((t) => span / t <= 8) ?? 500;
  const left = 400;
  const width = 520;
  const row = 22;
  const x = (d: number) => left + (d / span) * width;
  const top = 30;
  const height = top + shown.length * row + 30;
  const when = (iso: string) => (scale.calendar ? formatDate(iso) : formatDateTime(iso));
  const rows = shown.map((m, i) => {
    const y = top + i * row;
    const short = m.title.length > 60 ? `${m.title.slice(0, 58)}…` : m.title;
    const label = `<text x="${left - 8}" y="${y + 14}" text-anchor="end" font-size="12" fill="#212b32">${esc(short)}</text>`;
    if (!m.openedAt) {
      return `${label}<text x="${left + 4}" y="${y + 14}" font-size="11" fill="#4c6272">waiting for earlier steps</text>`;
    }
    const opened = scale.at(m.openedAt);
    const due = m.dueAt ?? m.forecastAt ?? m.openedAt;
    const end = scale.at(m.completedAt ?? input.now);
    const planned = `<rect x="${x(opened)}" y="${y + 3}" width="${Math.max(2, x(scale.at(due)) - x(opened))}" height="14" fill="#aeb7bd"><title>${esc(m.title)}: planned ${when(m.openedAt)} to ${when(due)}</title></rect>`;
    const colour = m.state === 'overdue' ? '#d5281b' : m.state === 'done' ? '#005eb8' : '#41b6e6';
    const actual = `<rect x="${x(opened)}" y="${y + 7}" width="${Math.max(2, x(end) - x(opened))}" height="6" fill="${colour}"><title>${esc(m.title)}: ${STATE_LABELS[m.state].toLowerCase()}${m.completedAt ? `, done ${when(m.completedAt)}` : ''}</title></rect>`;
    return `${label}${planned}${actual}`;
  });
  const marker = (at: number, text: string, colour: string, dy: number) =>
    `<line x1="${x(at)}" y1="${top - 4}" x2="${x(at)}" y2="${height - 24}" stroke="${colour}" stroke-width="2" stroke-dasharray="4 3"/><text x="${x(at)}" y="${top - 8 - dy}" text-anchor="middle" font-size="11" fill="${colour}">${text}</text>`;
  const axis = Array.from({ length: Math.floor(span / tick) + 1 }, (_, i) => i * tick)
    .map(
      (d) =>
        `<text x="${x(d)}" y="${height - 8}" text-anchor="middle" font-size="11" fill="#4c6272">${Number(d.toFixed(1))}</text><line x1="${x(d)}" y1="${top}" x2="${x(d)}" y2="${height - 24}" stroke="#e8edee"/>`,
    )
    .join('');
  const goLive = scale.calendar
    ? `${marker(scale.at(input.plannedGoLive), 'planned go-live', '#007f3b', 10)}${input.forecastGoLive !== input.plannedGoLive ? marker(scale.at(input.forecastGoLive), 'forecast go-live', '#d5281b', 0) : ''}`
    : '';
  const desc = `${scale.unit[0].toUpperCase()}${scale.unit.slice(1)} from kickoff on ${formatDateTime(input.kickoff)}${scale.calendar ? '' : ' (compressed time for a demonstration)'}. Planned go-live ${formatDate(input.plannedGoLive)}, forecast ${formatDate(input.forecastGoLive)}. Grey bars are the plan, coloured bars what happened.`;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${left + width + 30} ${height}" width="100%" role="img" aria-labelledby="gantt-title gantt-desc"><title id="gantt-title">Plan against actual, in ${scale.unit}</title><desc id="gantt-desc">${esc(desc)}</desc>${axis}${rows.join('')}${marker(scale.at(input.now), 'now', '#330072', 0)}${goLive}</svg>`;
}

/** "Demographics and registration" for `demographics-and-registration`. */
export const labelOf = (key: string) => `${key[0].toUpperCase()}${key.slice(1)}`.replace(/-/g, ' ');

/** "97.5%", or "–" when there is nothing to measure yet. */
export const formatPercent = (value: number | null | undefined) => (value == null ? '–' : `${value}%`);

/**
 * Completeness and accuracy of each data-check round as paired bars against the pass thresholds (dashed lines),
 * each bar labelled with its figure: the table beside it carries the same numbers for screen readers.
 */
export function dataCheckChart(
  rounds: Array<{ round: number; completenessPercent: number | null; accuracyPercent: number | null }>,
  thresholds: { completenessPercent: number; accuracyPercent: number },
): string {
  const left = 150;
  const width = 400;
  const bar = 18;
  const row = 2 * bar + 18;
  const height = rounds.length * row + 46;
  const x = (percent: number) => left + (percent / 100) * width;
  const measures = [
    { key: 'completenessPercent', label: 'Completeness', fill: '#005eb8' },
    { key: 'accuracyPercent', label: 'Accuracy', fill: '#330072' },
  ] as const;
  const bars = rounds.map((r, i) => {
    const y = 8 + i * row;
    const pair = measures.map((m, j) => {
      const value = r[m.key];
      const top = y + j * bar;
      const shown = value == null ? 'not measured yet' : `${value}%`;
      return `<text x="${left - 8}" y="${top + 13}" text-anchor="end" font-size="12" fill="#212b32">Round ${r.round} ${m.label.toLowerCase()}</text>${
        value == null
          ? ''
          : `<rect x="${left}" y="${top + 2}" width="${Math.max(1, x(value) - left)}" height="${bar - 4}" fill="${m.fill}"><title>Round ${r.round} ${m.label.toLowerCase()}: ${shown}</title></rect>`
      }<text x="${value == null ? left + 4 : Math.min(x(value), left + width - 40) + 4}" y="${top + 13}" font-size="12" fill="${value == null || x(value) > left + width - 40 ? '#fff' : '#212b32'}">${shown}</text>`;
    });
    return pair.join('');
  });
  const lines = measures
    .map((m) => {
      const at = x(thresholds[m.key]);
      return `<line x1="${at}" y1="4" x2="${at}" y2="${height - 36}" stroke="${m.fill}" stroke-width="2" stroke-dasharray="4 3"/>`;
    })
    .join('');
  const legend = measures
    .map(
      (m, i) =>
        `<rect x="${left + i * 200}" y="${height - 24}" width="14" height="14" fill="${m.fill}"/><text x="${left + i * 200 + 20}" y="${height - 12}" font-size="12" fill="#212b32">${m.label} (pass at ${thresholds[m.key]}%)</text>`,
    )
    .join('');
  const summary = rounds
    .map(
      (r) =>
        `Round ${r.round}: completeness ${formatPercent(r.completenessPercent)}, accuracy ${formatPercent(r.accuracyPercent)}`,
    )
    .join('. ');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${left + width + 20} ${height}" width="100%" role="img" aria-labelledby="data-check-chart-title data-check-chart-desc"><title id="data-check-chart-title">Completeness and accuracy per round against the pass thresholds</title><desc id="data-check-chart-desc">${esc(`${summary}. Pass thresholds: completeness ${thresholds.completenessPercent}%, accuracy ${thresholds.accuracyPercent}%.`)}</desc>${bars.join('')}${lines}${legend}</svg>`;
}
