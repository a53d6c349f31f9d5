import type { Alert, Participant } from '@idp/domain';
import type { MessageContext } from '@idp/notifications';

/** What the notification service is given to tell each recipient about one alert of one migration (fixed details). */
export function messageContexts(alert: Alert, migrationId: string, recipients: Participant[]): MessageContext[] {
  return recipients.map((recipient) => ({
    alert,
    recipient,
    practiceName: 'Riverside Surgery',
    practiceOdsCode: 'A81001',
    icbCode: 'QHG',
    plannedGoLive: '2027-03-15',
    forecastGoLive: '2027-03-15',
    migrationUrl: `http://localhost:3000/v1/migrations/${migrationId}`,
  }));
}
