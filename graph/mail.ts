/**
 * Outbound email. In graph mode: `POST /users/{sender}/sendMail` (application permission
 * Mail.Send, limited to the sender mailbox with RBAC for Applications). In local mode: an RFC 5322
 * `.eml` file per message in `DATA_DIR/outbox-mail/`, named by the idempotency key, so sending
 * the same message twice writes it once.
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Client } from '@microsoft/microsoft-graph-client';
import { z } from 'zod';
import { InvalidInputError } from '../domain/errors.js';
import { callGraph } from './client.js';
import { assertOpaqueSubject } from './privacy.js';

export interface MailMessage {
  readonly to: readonly string[];
  readonly cc?: readonly string[];
  /** The opaque case reference and stage only: never a name, date of birth or address. */
  readonly subject: string;
  readonly html: string;
  readonly text?: string;
  /** Stable per outbound effect (the outbox key): the same key is the same message. */
  readonly idempotencyKey: string;
}

export interface MailReceipt {
  readonly via: 'graph' | 'file';
  /** The .eml path in local mode. */
  readonly file?: string;
  /** True when a file for this idempotency key already existed (local mode). */
  readonly duplicate: boolean;
}

export interface MailSender {
  send(message: MailMessage): Promise<MailReceipt>;
}

export const IDEMPOTENCY_HEADER = 'X-Resolve-Idempotency-Key';

const address = z.string().trim().email();
const messageSchema = z.object({
  to: z.array(address, { invalid_type_error: 'must be a list of email addresses' }).min(1, 'name at least one recipient'),
  cc: z.array(address).optional(),
  subject: z.string(),
  html: z.string().min(1, 'give the message body'),
  text: z.string().optional(),
  idempotencyKey: z.string().trim().min(1, 'give the outbox key of this message').max(200),
});

function checked(message: MailMessage): MailMessage {
  const result = messageSchema.safeParse(message);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const field = issue.path.join('.');
    throw new InvalidInputError(`The email's ${field} ${issue.message === 'Invalid email' ? 'is not an email address' : issue.message}`, field);
  }
  assertOpaqueSubject(message.subject, 'email subject');
  return message;
}

const recipients = (list: readonly string[] | undefined) => (list ?? []).map((a) => ({ emailAddress: { address: a } }));

export function createGraphMailSender(options: { readonly client: Client; readonly sender: string }): MailSender {
  return {
    async send(input) {
      const m = checked(input);
      await callGraph('sending mail', () =>
        options.client.api(`/users/${encodeURIComponent(options.sender)}/sendMail`).post({
          message: {
            subject: m.subject,
            body: { contentType: 'HTML', content: m.html },
            toRecipients: recipients(m.to),
            ccRecipients: recipients(m.cc),
            internetMessageHeaders: [{ name: IDEMPOTENCY_HEADER, value: m.idempotencyKey }],
          },
          saveToSentItems: true,
        }) as Promise<unknown>,
      );
      return { via: 'graph', duplicate: false };
    },
  };
}

/** A file name for an idempotency key: readable where it can be, always unique. */
export function outboxFileName(key: string, extension: string): string {
  const readable = key.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80);
  const digest = createHash('sha256').update(key).digest('hex').slice(0, 12);
  return `${readable}-${digest}.${extension}`;
}

const encodeHeader = (value: string) => (/^[\x20-\x7e]*$/.test(value) ? value : `=?UTF-8?B?${Buffer.from(value, 'utf8').toString('base64')}?=`);
const base64Lines = (text: string) => Buffer.from(text, 'utf8').toString('base64').replace(/.{1,76}/g, '$&\r\n');

/** The message as RFC 5322 text (CRLF line ends; MIME, UTF-8 bodies in base64). */
export function composeEml(message: MailMessage, envelope: { readonly from: string; readonly date: Date }): string {
  const id = createHash('sha256').update(message.idempotencyKey).digest('hex').slice(0, 32);
  const boundary = `resolve-${id.slice(0, 16)}`;
  const headers = [
    `From: ${envelope.from}`,
    `To: ${message.to.join(', ')}`,
    ...(message.cc?.length ? [`Cc: ${message.cc.join(', ')}`] : []),
    `Subject: ${encodeHeader(message.subject)}`,
    `Date: ${envelope.date.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${id}@resolve.local>`,
    `${IDEMPOTENCY_HEADER}: ${encodeHeader(message.idempotencyKey)}`,
    'MIME-Version: 1.0',
  ];
  const part = (type: string, body: string) => [`--${boundary}`, `Content-Type: ${type}; charset=utf-8`, 'Content-Transfer-Encoding: base64', '', base64Lines(body)].join('\r\n');
  const parts = [...(message.text !== undefined ? [part('text/plain', message.text)] : []), part('text/html', message.html)];
  return [...headers, `Content-Type: multipart/alternative; boundary="${boundary}"`, '', ...parts, `--${boundary}--`, ''].join('\r\n');
}

export function createFileMailSender(options: { readonly dir: string; readonly from: string; readonly now?: () => Date }): MailSender {
  const now = options.now ?? (() => new Date());
  return {
    async send(input) {
      const m = checked(input);
      await mkdir(options.dir, { recursive: true });
      const file = path.join(options.dir, outboxFileName(m.idempotencyKey, 'eml'));
      try {
        await writeFile(file, composeEml(m, { from: options.from, date: now() }), { flag: 'wx' });
        return { via: 'file', file, duplicate: false };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') return { via: 'file', file, duplicate: true };
        throw e;
      }
    },
  };
}
