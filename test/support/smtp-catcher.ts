import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { freePort } from './api-process';

export interface CaughtMail extends ParsedMail {
  /** The To header as text, e.g. `Pat Khan <pat@example.nhs.uk>`. */
  recipients: string;
}

export interface SmtpCatcher {
  url: string;
  mails: CaughtMail[];
  /** While true, every message is refused with 550 (a mailbox that does not take mail). */
  refuse: boolean;
  stop(): Promise<void>;
}

/** A real SMTP server on a free loopback port that keeps every message it receives, parsed. */
export async function startSmtpCatcher(): Promise<SmtpCatcher> {
  const catcher = { mails: [] as CaughtMail[], refuse: false };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, callback) {
      if (catcher.refuse) {
        stream.resume();
        stream.on('end', () => callback(Object.assign(new Error('mailbox unavailable'), { responseCode: 550 })));
        return;
      }
      simpleParser(stream)
        .then((mail) => {
          const to = mail.to && !Array.isArray(mail.to) ? mail.to.text : '';
          catcher.mails.push(Object.assign(mail, { recipients: to }));
        })
        .then(() => callback(), callback);
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return Object.assign(catcher, {
    url: `smtp://127.0.0.1:${port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
