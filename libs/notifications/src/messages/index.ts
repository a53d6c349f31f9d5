import type { AlertKind } from '@idp/domain';
import { createEvent } from 'ics';
import {
  compose,
  roleInWords,
  whenInWords,
  type Attachment,
  type MessageContext,
  type MessageTemplate,
} from '../message';

/** The training session as an iCalendar event, so it lands in the recipient's calendar. */
function trainingInvitation(ctx: MessageContext): Attachment {
  const startsAt = Date.parse(String(ctx.alert.data?.startsAt));
  const { error, value } = createEvent({
    uid: `${ctx.alert.key}@idp-orchestrator`,
    start: startsAt,
    startInputType: 'utc',
    duration: { minutes: Number(ctx.alert.data?.durationMinutes) || 60 },
    title: `Clinical system training – ${ctx.practiceName}`,
    description: `Training on the new clinical system for ${ctx.practiceName} (${ctx.practiceOdsCode}). ${ctx.migrationUrl}`,
    location: ctx.alert.data?.location ? String(ctx.alert.data.location) : undefined,
  });
  if (error || !value) throw new Error(`cannot build the training invitation: ${error?.message ?? 'no calendar'}`);
  return { filename: 'training.ics', content: value, contentType: 'text/calendar; charset=utf-8; method=PUBLISH' };
}

/*
 * Every message the process sends, by alert kind. Plain English: what is needed, from whom, by when.
 * No patient identifiers ever appear here: alerts carry none.
 */
export const MESSAGES: Record<AlertKind, MessageTemplate> = {
  kickoff: {
    render: (ctx) =>
      compose(ctx, 'Initial data production has started', [
        'The initial data production (IDP) stage of this practice’s clinical system migration has started.',
        'You will get a reminder before each of your deadlines. The migration page shows who owns each step and when it is due.',
      ]),
  },
  reminder: {
    render: (ctx) =>
      compose(ctx, `Reminder: ${ctx.alert.milestoneTitle}`, [
        `${ctx.alert.milestoneTitle} is due by ${whenInWords(ctx.alert.dueAt)}.`,
        `This is for ${roleInWords(ctx.alert.owner)} to do. Please report it as done when it is.`,
      ]),
  },
  overdue: {
    render: (ctx) =>
      compose(ctx, `Overdue: ${ctx.alert.milestoneTitle}`, [
        `${ctx.alert.milestoneTitle} was due by ${whenInWords(ctx.alert.dueAt)} and has not been reported.`,
        `This is for ${roleInWords(ctx.alert.owner)} to do. A late step can move the go-live date; please complete it or tell the delivery partner when it will be done.`,
      ]),
  },
  escalation: {
    render: (ctx) =>
      compose(ctx, `Escalation (level ${ctx.alert.level}): ${ctx.alert.milestoneTitle}`, [
        `${ctx.alert.milestoneTitle} is still outstanding. It was due by ${whenInWords(ctx.alert.dueAt)}.`,
        `It is owned by ${roleInWords(ctx.alert.owner)}. You are told because the step is now ${ctx.alert.level === 1 ? 'escalated to the delivery partner' : 'escalated to the ICB'}.`,
      ]),
  },
  'delay-notice': {
    render: (ctx) =>
      compose(ctx, `Go-live forecast moved to ${ctx.alert.data?.forecastGoLive}`, [
        `The forecast go-live date has moved from ${ctx.alert.data?.previousForecastGoLive} to ${ctx.alert.data?.forecastGoLive} (${ctx.alert.data?.slipWorkingDays} working days behind plan).`,
        ctx.alert.data?.lateMilestones
          ? `Late: ${ctx.alert.data.lateMilestones}.`
          : 'The delay comes from work finishing later than planned.',
        'If the go-live date must change, the delivery partner can replan the migration.',
      ]),
  },
  'training-invitation': {
    render: (ctx) => ({
      ...compose(ctx, 'Training on the new clinical system', [
        `Training is booked for ${ctx.alert.data?.startsAt} (${ctx.alert.data?.durationMinutes} minutes)${ctx.alert.data?.location ? ` at ${ctx.alert.data.location}` : ''}.`,
        'At least one member of staff must be able to navigate the system, find patients and set up users. Relying on a single trained person is known to cause delays.',
      ]),
      attachments: [trainingInvitation(ctx)],
    }),
  },
  'training-warning': {
    render: (ctx) =>
      compose(ctx, 'Only one member of staff is trained', [
        `${ctx.alert.data?.trainedUsers} member(s) of staff have been trained; at least ${ctx.alert.data?.minTrainedUsers} are recommended.`,
        'Relying on a single trained person is known to cause delays. Please arrange training for another member of staff.',
      ]),
  },
  'round-outcome': {
    render: (ctx) =>
      ctx.alert.data?.outcome === 'passed'
        ? compose(ctx, `Data check round ${ctx.alert.round} passed`, [
            `The practice’s data check round ${ctx.alert.round} passed.`,
            'The clinical lead can now sign off the data check.',
          ])
        : compose(ctx, `Data check round ${ctx.alert.round} failed`, [
            `The practice’s data check round ${ctx.alert.round} failed. Round ${ctx.alert.data?.nextRound} has started with a ${ctx.alert.data?.remedy}.`,
            'The new supplier fixes the issues logged; the practice then checks the data again.',
          ]),
  },
  'rounds-exceeded': {
    render: (ctx) =>
      compose(ctx, `Escalation: data check has needed ${ctx.alert.round} rounds`, [
        `The data check is now in round ${ctx.alert.round}, more than the ${ctx.alert.data?.maxRounds} rounds the migration process allows.`,
        'The clinical safety lead, the ICB and the suppliers should agree how to proceed.',
      ]),
  },
  'signed-off': {
    render: (ctx) =>
      compose(ctx, 'Data check signed off', [
        'The clinical lead has signed off the data check. Initial data production is complete.',
        'The migration moves on to planning for cutover and final data production.',
      ]),
  },
  paused: {
    render: (ctx) =>
      compose(ctx, 'Migration paused', [
        `The migration has been paused: ${ctx.alert.data?.reason}.`,
        'Deadlines are on hold until it resumes; no reminders will be sent meanwhile.',
      ]),
  },
  resumed: {
    render: (ctx) =>
      compose(ctx, 'Migration resumed', [
        'The migration has resumed. Open deadlines have moved by the time it was paused.',
      ]),
  },
  cancelled: {
    render: (ctx) =>
      compose(ctx, 'Migration cancelled', [
        `The migration has been cancelled: ${ctx.alert.data?.reason}.`,
        'No further action is needed.',
      ]),
  },
};
