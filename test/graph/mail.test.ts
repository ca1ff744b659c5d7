import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InvalidInputError } from '../../domain/errors.js';
import { GraphUnavailableError } from '../../graph/client.js';
import { createFileMailSender, createGraphMailSender, type MailMessage } from '../../graph/mail.js';
import { graphError, useFakeGraph } from './fake-graph.js';

// Fictional child: the details below must never reach a header.
const CHILD = 'Jayden Thorne';
const message: MailMessage = {
  to: ['bethan.pryce@northmoor.example'],
  cc: ['grace.nwankwo@northmoor.example'],
  subject: 'Resolve NBC-2026-0042: practice alert, stage 2',
  html: `<p>Practice alert for ${CHILD} (J.T.), born 14/03/2015.</p>`,
  text: `Practice alert for ${CHILD} (J.T.).`,
  idempotencyKey: 'case/NBC-2026-0042/alert-1/to/bethan',
};

function headersOf(eml: string): string {
  return eml.split('\r\n\r\n')[0]!;
}

describe('graph/mail', () => {
  describe('local mode: .eml files', () => {
    let dir: string;
    beforeEach(() => {
      dir = path.join(mkdtempSync(path.join(tmpdir(), 'resolve-mail-')), 'outbox-mail');
    });

    it('writes one RFC 5322 message into the outbox folder, with both bodies', async () => {
      const sender = createFileMailSender({ dir, from: 'resolve@northmoor.example', now: () => new Date('2026-03-02T10:15:00Z') });
      const receipt = await sender.send(message);
      assert.equal(receipt.via, 'file');
      const eml = readFileSync(receipt.file!, 'utf8');
      const headers = headersOf(eml);
      assert.match(headers, /^From: resolve@northmoor\.example\r\n/);
      assert.match(headers, /\r\nTo: bethan\.pryce@northmoor\.example\r\n/);
      assert.match(headers, /\r\nCc: grace\.nwankwo@northmoor\.example\r\n/);
      assert.match(headers, /\r\nDate: Mon, 02 Mar 2026 10:15:00 \+0000\r\n/);
      assert.match(headers, /\r\nMessage-ID: <[0-9a-f]{32}@resolve\.local>\r\n/);
      assert.ok(!/[^\r]\n/.test(eml), 'every line ends with CRLF');
      const bodies = [...eml.matchAll(/base64\r\n\r\n([A-Za-z0-9+/=\r\n]+?)\r\n--/g)].map((m) => Buffer.from(m[1]!.replace(/\r\n/g, ''), 'base64').toString('utf8'));
      assert.deepEqual(bodies, [message.text, message.html]);
    });

    it('the subject carries only the opaque case reference: no name or date of birth in any header', async () => {
      const receipt = await createFileMailSender({ dir, from: 'resolve@northmoor.example' }).send(message);
      const headers = headersOf(readFileSync(receipt.file!, 'utf8'));
      assert.match(headers, /\r\nSubject: Resolve NBC-2026-0042: practice alert, stage 2\r\n/);
      for (const secret of [CHILD, 'Jayden', 'Thorne', 'J.T.', '14/03/2015']) assert.ok(!headers.includes(secret), `${secret} leaked into a header`);
    });

    it('DOMAIN §3.3: an Oxfordshire subject headed "Resolution and Escalation Alert" with the case reference is accepted', async () => {
      const receipt = await createFileMailSender({ dir, from: 'resolve@northmoor.example' }).send({ ...message, subject: 'Resolution and Escalation Alert: NBC-2026-0042, stage 1' });
      assert.match(headersOf(readFileSync(receipt.file!, 'utf8')), /\r\nSubject: Resolution and Escalation Alert: NBC-2026-0042, stage 1\r\n/);
    });

    it('the same idempotency key writes the message once', async () => {
      const sender = createFileMailSender({ dir, from: 'resolve@northmoor.example' });
      const first = await sender.send(message);
      const second = await sender.send(message);
      assert.equal(first.duplicate, false);
      assert.equal(second.duplicate, true);
      assert.equal(readdirSync(dir).length, 1);
    });

    it('subjects with a date, an address or a postcode are refused before anything is written', async () => {
      const sender = createFileMailSender({ dir, from: 'resolve@northmoor.example' });
      for (const subject of ['Resolve NBC-2026-0042: DOB 14/03/2015', 'Alert for jayden@northmoor.example', 'Alert NM4 7QX placement', 'x'.repeat(121), '']) {
        await assert.rejects(sender.send({ ...message, subject }), (e: Error) => e instanceof InvalidInputError && /opaque case reference/.test(e.message), subject);
      }
      assert.deepEqual(readdirSync(path.dirname(dir)), []);
    });

    it('a message without recipients or with a bad address is refused with the field named', async () => {
      const sender = createFileMailSender({ dir, from: 'resolve@northmoor.example' });
      await assert.rejects(sender.send({ ...message, to: [] }), (e: Error) => e instanceof InvalidInputError && e.field === 'to');
      await assert.rejects(sender.send({ ...message, cc: ['Grace'] }), (e: Error) => e instanceof InvalidInputError && e.field === 'cc.0' && /not an email address/.test(e.message));
    });
  });

  describe('graph mode: sendMail', () => {
    const fake = useFakeGraph();

    it('posts the message to /users/{sender}/sendMail with the idempotency key as a header', async () => {
      fake.graph.on('POST', /^\/users\/resolve@northmoor\.example\/sendMail$/, { status: 202 });
      const sender = createGraphMailSender({ client: fake.client(), sender: 'resolve@northmoor.example' });
      assert.deepEqual(await sender.send(message), { via: 'graph', duplicate: false });
      const body = fake.graph.requests[0]?.body as { message: Record<string, unknown>; saveToSentItems: boolean };
      assert.equal(body.message.subject, 'Resolve NBC-2026-0042: practice alert, stage 2');
      assert.deepEqual(body.message.toRecipients, [{ emailAddress: { address: 'bethan.pryce@northmoor.example' } }]);
      assert.deepEqual(body.message.ccRecipients, [{ emailAddress: { address: 'grace.nwankwo@northmoor.example' } }]);
      assert.deepEqual(body.message.body, { contentType: 'HTML', content: message.html });
      assert.deepEqual(body.message.internetMessageHeaders, [{ name: 'X-Resolve-Idempotency-Key', value: message.idempotencyKey }]);
      assert.equal(body.saveToSentItems, true);
    });

    it('Graph down after retries gives GraphUnavailableError, so the outbox keeps the message', async () => {
      fake.graph.on('POST', /sendMail$/, graphError(503, 'ServiceUnavailable', 'try later', { 'Retry-After': '0' }));
      const sender = createGraphMailSender({ client: fake.client(), sender: 'resolve@northmoor.example' });
      await assert.rejects(sender.send(message), GraphUnavailableError);
      assert.equal(fake.graph.requests.length, 2);
    });
  });
});
