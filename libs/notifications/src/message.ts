import type { Alert, Participant } from '@idp/domain';

export interface MessageContext {
  alert: Alert;
  recipient: Participant;
  practiceName: string;
  practiceOdsCode: string;
  icbCode: string;
  plannedGoLive: string;
  forecastGoLive: string;
  /** Link to the migration in the API or pages. */
  migrationUrl: string;
}

export interface Attachment {
  filename: string;
  content: string;
  contentType: string;
}

export interface RenderedMessage {
  subject: string;
  text: string;
  html: string;
  attachments?: Attachment[];
}

/** One message of the process: a file in messages/ per alert kind. */
export interface MessageTemplate {
  render(ctx: MessageContext): RenderedMessage;
}

const ROLE_NAMES: Record<string, string> = {
  icb: 'the ICB',
  'delivery-partner': 'the delivery partner',
  'current-supplier': 'the current supplier',
  'new-supplier': 'the new supplier',
  practice: 'the practice',
};

/** A role in words: "the new supplier". */
export const roleInWords = (role: string | undefined): string => ROLE_NAMES[role ?? ''] ?? role ?? 'someone';

/** A due instant in words, in London time: "Friday 18 December 2026, 17:00". */
export function whenInWords(ms: number | undefined): string {
  if (ms === undefined) return 'no set date';
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London',
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  }).format(new Date(ms));
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The greeting, the body and the link every message shares, as plain text and HTML. */
export function compose(ctx: MessageContext, subject: string, lines: string[]): RenderedMessage {
  const html = [
    `<p>Dear ${escapeHtml(ctx.recipient.name)},</p>`,
    ...lines.map((line) => `<p>${escapeHtml(line)}</p>`),
    `<p>Practice: ${escapeHtml(`${ctx.practiceName} (${ctx.practiceOdsCode})`)}, ICB ${escapeHtml(ctx.icbCode)}.<br>`,
    `Planned go-live: ${escapeHtml(ctx.plannedGoLive)}. Forecast go-live: ${escapeHtml(ctx.forecastGoLive)}.</p>`,
    `<p><a href="${escapeHtml(ctx.migrationUrl)}">See the migration</a></p>`,
    '<p>IDP Orchestrator</p>',
  ].join('\n');
  const text = [
    `Dear ${ctx.recipient.name},`,
    '',
    ...lines,
    '',
    `Practice: ${ctx.practiceName} (${ctx.practiceOdsCode}), ICB ${ctx.icbCode}.`,
    `Planned go-live: ${ctx.plannedGoLive}. Forecast go-live: ${ctx.forecastGoLive}.`,
    `See the migration: ${ctx.migrationUrl}`,
    '',
    'IDP Orchestrator',
  ].join('\n');
  return { subject: `${subject} – ${ctx.practiceName} (${ctx.practiceOdsCode})`, text, html };
}
