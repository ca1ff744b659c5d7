/**
 * Test harness: the real bot (HTTP server, CloudAdapter, teams-ai Application) in-process on an
 * ephemeral loopback port, talking to a recording connector. Tests post activities as any
 * fictional person and check who received which card.
 *
 *   const bot = await startBotHarness();
 *   await bot.say(IRO, 'help');
 *   bot.sentTo(IRO)            // what that person received
 *   await bot.invoke(MANAGER, VERBS.accept, { caseId })   // { status, body } of Action.Execute
 *   await bot.close();
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCaseFlows, type CaseFlows } from '../../app/cases/flows.js';
import { CASE_TOPIC } from '../../app/cases/model.js';
import { caseWorkers, checkRaiseSubmission, renderRaiseForm, type CaseWorkers } from '../../app/cases/raise-form.js';
import { createDeliveryWorker } from '../../app/delivery/worker.js';
import { DEFAULT_BOOKING_SETTINGS } from '../../app/reviews/booking.js';
import { createReviewChat } from '../../app/reviews/chat.js';
import { createReports, REPORT_TOPIC, withReportDeadlines } from '../../app/reports/reports.js';
import { createReviewFlows } from '../../app/reviews/flows.js';
import { REVIEW_TOPIC } from '../../app/reviews/model.js';
import { createReviewBookingComposer, REVIEW_BOOKING_TOPIC } from '../../app/reviews/booking-failed.js';
import { createReviewTaskComposer, REVIEW_TASK_TOPIC, reviewTaskDeadlineHandler, withReviewDeadlines } from '../../app/reviews/tasks.js';
import { createFileCalendar, type Calendar } from '../../graph/calendar.js';
import { NOT_AVAILABLE } from '../../app/replies.js';
import { createTrainingFlows } from '../../app/training.js';
import type { BotIdentity } from '../../bot/adapter.js';
import type { BotFlows } from '../../bot/app.js';
import { parseActionData, raiseFormValuesFrom } from '../../cards/index.js';
import { getPolicy, type Policy } from '../../domain/policies/index.js';
import { createStoredConversationReferences } from '../../app/delivery/conversation-references.js';
import { createVolatileConversationReferences, rememberingMris, type ConversationReferences } from '../../bot/conversations.js';
import { createLogger } from '../../app/log.js';
import { databaseReadiness } from '../../bot/readiness.js';
import { startBot, type RunningBot } from '../../bot/runtime.js';
import type { Readiness } from '../../bot/server.js';
import { IN_MEMORY, openDatabase, type Db } from '../../store/db.js';
import { createTeamsDelivery } from '../../bot/delivery.js';
import { createWorkingCalendar } from '../../domain/calendar/index.js';
import { createOrgFileDirectory, loadOrganisationFile } from '../../graph/directory/index.js';
import type { MailMessage, MailSender } from '../../graph/mail.js';
import type { TeamsInstaller } from '../../graph/teams-install.js';
import { TestClock } from '../../store/clock.js';
import { createDeadlineDispatcher, type DispatchReport } from '../../store/deadlines.js';
import type { DeliveryReport } from '../../store/outbox.js';
import { Pacer } from '../../store/pacer.js';
import { cardsIn, OUTBOUND, startRecordingConnector, type JsonObject, type RecordingConnector, type SentActivity } from './recording-connector.js';

/** The fictional tenant every harness activity comes from unless a test says otherwise. */
export const TEST_TENANT_ID = '7d1f3c2a-0b4e-4f6a-9c8d-2e5b1a0f9c31';
export const BOT_ID = '28:resolve-test-bot';
export const SAMPLE_ORGANISATION = fileURLToPath(new URL('../../graph/samples/organisation.yaml', import.meta.url));

export interface HttpReply {
  readonly status: number;
  readonly body: unknown;
}

export interface BotHarnessOptions {
  /** Identity the bot runs with. Default: local mode (no app id) enforcing TEST_TENANT_ID. */
  readonly identity?: BotIdentity;
  /** Open an in-memory PGlite store (migrated) and use it for /readyz. Default false. */
  readonly database?: boolean;
  /** Overrides /readyz (ignored when `database` is true). Default: always ready. */
  readonly readiness?: () => Promise<Readiness>;
  readonly drainTimeoutMs?: number;
  /** The ladders the raise form offers. Default: Oxfordshire and Dudley. */
  readonly policies?: readonly Policy[];
  /** The use cases behind the handlers. Default: the raise form only (raising and case actions answer "not available yet"). */
  readonly flows?: BotFlows;
  /** With `cases`: how long one delivery attempt may take before it is recorded as ambiguous. */
  readonly attemptTimeoutMs?: number;
  /** The store to use instead of a fresh in-memory PGlite (implies `database`); the harness closes it. */
  readonly openDatabase?: () => Promise<Db>;
  /**
   * The real escalation flows on an in-memory PGlite store with the fictional sample
   * organisation, a test clock, the outbox delivering through the recording connector, an
   * installer that can open a 1:1 chat for anyone, and recorded emails. Implies `database`.
   */
  readonly cases?: boolean;
  /** The calendar delivery writes to, in place of the data folder's file calendar (which still answers free/busy): e.g. one that refuses. */
  readonly deliveryCalendar?: (files: Calendar) => Calendar;
}

/** Monday 23 November 2026, 10:00 in London: a working day. */
export const HARNESS_START = '2026-11-23T10:00:00Z';

export interface ActivityOverrides {
  readonly tenantId?: string;
  readonly conversationType?: 'personal' | 'groupChat' | 'channel';
  readonly replyToId?: string;
  readonly extra?: JsonObject;
}

export interface BotHarness {
  /** The bot's base URL, e.g. http://127.0.0.1:40123 */
  readonly url: string;
  readonly running: RunningBot;
  readonly connector: RecordingConnector;
  readonly conversations: ConversationReferences;
  readonly db: Db | undefined;
  /** With `cases`: the clock the flows and the outbox read. */
  readonly clock: TestClock;
  /** With `cases`: emails sent (Teams fallback and chasers). */
  readonly mails: readonly MailMessage[];
  /** With `cases`: people the installer was asked to open a 1:1 chat for. */
  readonly installs: readonly string[];
  /** With `cases`: the real use cases. */
  readonly flows: CaseFlows | undefined;
  /** The file calendar's folder: `outbox-calendar/` holds the meetings booked, `calendars/<email>.ics` people's busy times. */
  readonly calendarDir: string;
  /** With `cases`: delivers everything the outbox holds now (repeats until a pass claims nothing). */
  deliver(): Promise<DeliveryReport>;
  /** With `cases`: runs the delivery worker's own loop (as `npm start` does) until close; short back-off after failed passes. */
  startDelivery(): void;
  /** With `cases`: fires every case deadline due by the test clock (reminders, overdue notices), as the dispatcher would. */
  fireDeadlines(): Promise<DispatchReport>;
  /** Every log line the bot wrote, parsed. */
  readonly logs: readonly JsonObject[];
  /** The 1:1 conversation id the harness uses for this person. */
  conversationIdOf(userId: string): string;
  /** A Teams message activity from this person in their 1:1 chat with the bot. */
  activityFromUser(userId: string, text: string, overrides?: ActivityOverrides): JsonObject;
  /** An Action.Execute invoke from this person (card data is whatever the test says). */
  invokeActivity(userId: string, verb: string, data: JsonObject, overrides?: ActivityOverrides): JsonObject;
  /** POSTs an activity (or any body) to /api/messages. */
  post(activity: unknown, options?: { readonly authorization?: string }): Promise<HttpReply>;
  say(userId: string, text: string, overrides?: ActivityOverrides): Promise<HttpReply>;
  /** Sends Action.Execute; the body is the invoke response (`{ statusCode, type, value }`). */
  invoke(userId: string, verb: string, data: JsonObject, overrides?: ActivityOverrides): Promise<HttpReply>;
  get(path: string): Promise<HttpReply>;
  sentTo(userId: string): SentActivity[];
  /** The text of each message this person received, in order. */
  textsTo(userId: string): string[];
  /** The Adaptive Cards this person received, in order. */
  cardsTo(userId: string): JsonObject[];
  close(): Promise<void>;
}

/** The bot without the case use cases: it offers and checks the raise form, and answers everything else "not available yet". */
export function raiseFormOnly(policies: readonly Policy[], workers: CaseWorkers): BotFlows {
  const notAvailable = async () => ({ message: NOT_AVAILABLE });
  const flows: BotFlows = {
    raiseForm: (request = {}) =>
      renderRaiseForm({
        policies, workers, ...(request.formId !== undefined && { formId: request.formId }),
        ...(request.data !== undefined ? { values: raiseFormValuesFrom(request.data) } : request.issue ? { values: { issue: request.issue } } : {}),
      }),
    submitRaise: async (_actorId, data) => {
      const checked = checkRaiseSubmission(policies, data, workers);
      if (!checked.ok) return 'damaged' in checked ? { kind: 'damaged', message: checked.damaged } : { kind: 'form', card: checked.card };
      return { kind: 'form', card: renderRaiseForm({ policies, workers, formId: checked.form.formId, values: raiseFormValuesFrom(data), formError: NOT_AVAILABLE }) };
    },
    act: async (actorId, verb, data) => {
      if (verb === 'raiseSubmit') {
        const outcome = await flows.submitRaise(actorId, data);
        return 'message' in outcome ? { message: outcome.message } : { card: outcome.card };
      }
      const parsed = parseActionData(verb, data);
      if (!parsed.ok) return { message: `${parsed.message} Nothing was changed.` };
      const { action } = parsed;
      if (action.verb === 'raiseOpen') return { card: flows.raiseForm() };
      if (action.verb === 'raiseUpdate') return { card: flows.raiseForm({ formId: action.data.formId, data }) };
      return notAvailable();
    },
    myCases: notAvailable,
    overdue: notAvailable,
    caseByReference: notAvailable,
    welcome: notAvailable,
    clock: notAvailable,
  };
  return flows;
}

async function reply(response: Response): Promise<HttpReply> {
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    /* keep the text */
  }
  return { status: response.status, body };
}

export async function startBotHarness(options: BotHarnessOptions = {}): Promise<BotHarness> {
  const connector = await startRecordingConnector();
  const logs: JsonObject[] = [];
  const logger = createLogger({ level: 'debug', write: (line) => logs.push(JSON.parse(line) as JsonObject) });
  const db =
    options.openDatabase !== undefined ? await options.openDatabase()
    : options.database === true || options.cases === true ? await openDatabase({ kind: 'pglite', dataDir: IN_MEMORY })
    : undefined;
  const clock = new TestClock(HARNESS_START);
  // In the store when there is one (as in production), else in memory.
  const { conversations, mriOf } = rememberingMris(db !== undefined ? createStoredConversationReferences(db, clock) : createVolatileConversationReferences());
  const mails: MailMessage[] = [];
  const installs: string[] = [];
  const mail: MailSender = {
    send: async (message) => {
      mails.push(message);
      OUTBOUND.emails.push({ subject: message.subject, html: message.html, ...(message.text !== undefined && { text: message.text }) });
      return { via: 'file', duplicate: false };
    },
  };
  const installer: TeamsInstaller = {
    ensurePersonalChat: async (userId) => {
      installs.push(userId);
      // Graph answers with the 1:1 chat the install opened; the connector knows it as theirs.
      const chatId = `19:${userId}_resolve@unq.gbl.spaces`;
      connector.registerConversation(chatId, userId);
      return { status: 'ready', chatId, installed: true };
    },
  };
  // The sample organisation's case workers are the raise form's choices, with or without the case flows.
  const sampleDirectory = createOrgFileDirectory(await loadOrganisationFile(SAMPLE_ORGANISATION));
  const directory = options.cases === true ? sampleDirectory : undefined;
  const policies = options.policies ?? [getPolicy('oxfordshire'), getPolicy('dudley')];
  const workers = await caseWorkers(sampleDirectory);
  // Local mode's trainer clock, on the test clock (refused, as in Azure mode, when an identity has an app id).
  const training = createTrainingFlows({
    clock: options.identity?.appId === undefined ? { now: () => clock.now(), moveTo: (to) => clock.set(to) } : undefined,
    calendar: createWorkingCalendar(),
    logger,
  });
  const caseFlows =
    db !== undefined && directory !== undefined
      ? createCaseFlows({
          db, clock, calendar: createWorkingCalendar(), policies, directory, workers, tenant: TEST_TENANT_ID, logger,
          mriOf, organisation: 'Northmoor Borough Council',
        })
      : undefined;
  // Reviews in Outlook: the file calendar in a scratch folder (busy times from its calendars/ folder).
  const calendarDir = mkdtempSync(path.join(tmpdir(), 'resolve-harness-'));
  const files = createFileCalendar({ dir: path.join(calendarDir, 'outbox-calendar'), now: () => clock.now() });
  const reviewStore = db === undefined ? undefined : { db, clock, calendar: createWorkingCalendar(), tenant: TEST_TENANT_ID };
  const reviewFlows = reviewStore !== undefined && directory !== undefined
    ? createReviewFlows({ ...reviewStore, directory, freeBusy: files, settings: DEFAULT_BOOKING_SETTINGS, logger })
    : undefined;
  const reviewChat = reviewFlows !== undefined && reviewStore !== undefined && directory !== undefined
    ? createReviewChat({ flows: reviewFlows, store: reviewStore, directory, clock, calendar: createWorkingCalendar(), logger })
    : undefined;
  // Reports: no regular report scheduled (a test sets the schedule itself); report files in the scratch folder.
  const reports = db !== undefined && directory !== undefined
    ? createReports({ db, clock, calendar: createWorkingCalendar(), policies, directory, logger, tenant: TEST_TENANT_ID, filesDir: path.join(calendarDir, 'reports'), settings: {} })
    : undefined;
  const readiness =
    db !== undefined ? databaseReadiness(() => db.migrationsApplied(), logger) : (options.readiness ?? (async () => ({ ready: true, checks: { database: 'ok' } })));
  const identity = options.identity ?? { tenantId: TEST_TENANT_ID, credential: { kind: 'none' } };

  const running = await startBot({
    identity,
    host: '127.0.0.1',
    port: 0,
    conversations,
    // The same object tests reach as `flows`, so a test may stand in for one of its use cases.
    flows: options.flows ?? (caseFlows !== undefined ? Object.assign(caseFlows, training, reviewChat === undefined ? {} : { reviews: reviewChat }, reports === undefined ? {} : { reports: reports.chat }) : raiseFormOnly(policies, workers)),
    readiness,
    logger,
    ...(options.drainTimeoutMs !== undefined && { drainTimeoutMs: options.drainTimeoutMs }),
  });
  const url = running.server.url;
  const deliverer =
    db !== undefined && caseFlows !== undefined && directory !== undefined
      ? createDeliveryWorker({
          db,
          clock,
          workerId: 'harness',
          composers: {
            [CASE_TOPIC]: caseFlows.composer.compose,
            ...(reviewStore !== undefined && { [REVIEW_TASK_TOPIC]: createReviewTaskComposer(reviewStore), [REVIEW_BOOKING_TOPIC]: createReviewBookingComposer(reviewStore) }),
            ...(reports !== undefined && { [REPORT_TOPIC]: reports.composer }),
          },
          recorders: [caseFlows.recordDelivery, ...(reviewFlows === undefined ? [] : [reviewFlows.recordDelivery])],
          ...(reviewFlows !== undefined && { failureRecorders: [reviewFlows.recordFailure] }),
          calendar: options.deliveryCalendar?.(files) ?? files,
          ...(reviewFlows !== undefined && { calendarEvents: { [REVIEW_TOPIC]: reviewFlows.calendarEvents } }),
          teams: createTeamsDelivery({ adapter: running.adapter, botAppId: '', tenantId: TEST_TENANT_ID, conversations, serviceUrl: connector.serviceUrl, logger }),
          installer,
          mail,
          emailOf: async (personId) => (await directory.person(personId))?.email,
          logger,
          pacer: new Pacer({ destination: { perSecond: 1000, burst: 1000 }, tenant: { perSecond: 1000, burst: 1000 } }),
          ...(options.attemptTimeoutMs !== undefined && { attemptTimeoutMs: options.attemptTimeoutMs }),
          loopBackoff: { baseMs: 50, capMs: 400 },
          idleMs: 50,
        })
      : undefined;
  let looping: Promise<void> | undefined;

  const deadlines =
    db !== undefined && caseFlows !== undefined
      ? createDeadlineDispatcher({
          db,
          clock,
          workerId: 'harness',
          handler: withReportDeadlines(
            reviewStore !== undefined && directory !== undefined
              ? withReviewDeadlines(caseFlows.deadlineHandler, reviewTaskDeadlineHandler({ ...reviewStore, directory, logger }))
              : caseFlows.deadlineHandler,
            reports === undefined ? async () => undefined : reports.deadlineHandler,
          ),
        })
      : undefined;

  const conversationIdOf = (userId: string) => `a:personal-${userId.toLowerCase()}`;
  const baseActivity = (userId: string, overrides: ActivityOverrides = {}): JsonObject => {
    const tenantId = overrides.tenantId ?? TEST_TENANT_ID;
    const conversationType = overrides.conversationType ?? 'personal';
    const conversationId = conversationType === 'personal' ? conversationIdOf(userId) : `19:${conversationType}-${randomUUID()}@thread.v2`;
    if (conversationType === 'personal') connector.registerConversation(conversationId, userId);
    return {
      id: `incoming-${randomUUID()}`,
      timestamp: new Date().toISOString(),
      channelId: 'msteams',
      serviceUrl: connector.serviceUrl,
      from: { id: `29:${userId}`, aadObjectId: userId },
      recipient: { id: BOT_ID, name: 'Resolve' },
      conversation: { id: conversationId, conversationType, tenantId, ...(conversationType !== 'personal' && { isGroup: true }) },
      channelData: { tenant: { id: tenantId } },
      locale: 'en-GB',
      ...(overrides.replyToId !== undefined && { replyToId: overrides.replyToId }),
      ...overrides.extra,
    };
  };
  const activityFromUser = (userId: string, text: string, overrides?: ActivityOverrides): JsonObject => ({
    ...baseActivity(userId, overrides),
    type: 'message',
    text,
    textFormat: 'plain',
  });
  const invokeActivity = (userId: string, verb: string, data: JsonObject, overrides?: ActivityOverrides): JsonObject => ({
    ...baseActivity(userId, { replyToId: `card-${randomUUID()}`, ...overrides }),
    type: 'invoke',
    name: 'adaptiveCard/action',
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
  });
  const post = async (activity: unknown, postOptions: { readonly authorization?: string } = {}) =>
    reply(
      await fetch(`${url}/api/messages`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(postOptions.authorization !== undefined && { authorization: postOptions.authorization }),
        },
        body: JSON.stringify(activity),
      }),
    );
  const sentTo = (userId: string) => connector.sentTo(userId);

  return {
    url,
    running,
    connector,
    conversations,
    db,
    clock,
    mails,
    installs,
    flows: caseFlows,
    calendarDir,
    deliver: async () => {
      if (deliverer === undefined) throw new Error('deliver() needs startBotHarness({ cases: true })');
      const total: DeliveryReport = { claimed: 0, delivered: 0, retried: 0, ambiguous: 0, failed: 0, deferred: 0, stale: 0 };
      for (;;) {
        const report = await deliverer.runOnce();
        for (const key of Object.keys(total) as (keyof DeliveryReport)[]) total[key] += report[key];
        if (report.claimed === 0) return total;
      }
    },
    startDelivery: () => {
      if (deliverer === undefined) throw new Error('startDelivery() needs startBotHarness({ cases: true })');
      looping ??= deliverer.start();
    },
    fireDeadlines: async () => {
      if (deadlines === undefined) throw new Error('fireDeadlines() needs startBotHarness({ cases: true })');
      return deadlines.runOnce();
    },
    logs,
    conversationIdOf,
    activityFromUser,
    invokeActivity,
    post,
    say: (userId, text, overrides) => post(activityFromUser(userId, text, overrides)),
    invoke: (userId, verb, data, overrides) => post(invokeActivity(userId, verb, data, overrides)),
    get: async (path) => reply(await fetch(`${url}${path}`)),
    sentTo,
    textsTo: (userId) => sentTo(userId).flatMap((s) => (typeof s.activity.text === 'string' ? [s.activity.text] : [])),
    cardsTo: (userId) => sentTo(userId).flatMap((s) => cardsIn(s.activity)),
    close: async () => {
      if (looping !== undefined) await deliverer?.stop();
      await running.server.close();
      await connector.close();
      await db?.close();
      rmSync(calendarDir, { recursive: true, force: true });
    },
  };
}
