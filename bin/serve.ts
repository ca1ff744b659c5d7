/**
 * `npm start`: the composition root. Configuration (the environment over `.env`), store, Graph
 * services, ladders, use cases, bot, server, delivery worker, deadline dispatcher, signals. With
 * no configuration it runs in local mode on 127.0.0.1:3978 with PGlite in .data/ and the fictional
 * sample organisation.
 */
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { createCaseFlows } from '../app/cases/flows.js';
import { CASE_TOPIC } from '../app/cases/model.js';
import { caseWorkers } from '../app/cases/raise-form.js';
import { createDeliveryWorker } from '../app/delivery/worker.js';
import { createLogger, errorFields, logLevelFrom, type Logger } from '../app/log.js';
import type { BotCredentialMaterial, BotIdentity } from '../bot/adapter.js';
import { createStoredConversationReferences } from '../app/delivery/conversation-references.js';
import { rememberingMris } from '../bot/conversations.js';
import { createTeamsDelivery } from '../bot/delivery.js';
import { databaseLiveness, databaseReadiness } from '../bot/readiness.js';
import { startBot } from '../bot/runtime.js';
import { createWorkingCalendar } from '../domain/calendar/index.js';
import { getPolicy, parsePolicy, type Policy } from '../domain/policies/index.js';
import { createGraphServices, loadOrganisationFile, seedSampleCalendars } from '../graph/index.js';
import { createReviewChat } from '../app/reviews/chat.js';
import { createReports, REPORT_TOPIC, withReportDeadlines } from '../app/reports/reports.js';
import { createReviewFlows } from '../app/reviews/flows.js';
import { REVIEW_TOPIC } from '../app/reviews/model.js';
import { createReviewBookingComposer, REVIEW_BOOKING_TOPIC } from '../app/reviews/booking-failed.js';
import { createReviewTaskComposer, REVIEW_TASK_TOPIC, reviewTaskDeadlineHandler, withReviewDeadlines } from '../app/reviews/tasks.js';
import { reviewDueRulesFor } from '../domain/reviews/index.js';
import { AdjustableClock, systemClock } from '../store/clock.js';
import { createTrainingFlows } from '../app/training.js';
import { embeddedDatabaseStopped, openDatabase } from '../store/db.js';
import { createDeadlineDispatcher } from '../store/deadlines.js';
import { ConfigError, DEFAULT_ORG_FILE, loadConfig, readEnvironment, type AppConfig } from './config.js';

/** The public cloud's Bot Connector for new 1:1 conversations (replies use each activity's own). */
const TEAMS_SERVICE_URL = 'https://smba.trafficmanager.net/teams/';

async function credentialMaterial(config: AppConfig): Promise<BotCredentialMaterial> {
  const { credential } = config.bot;
  if (credential.kind === 'certificate') {
    return { kind: 'certificate', thumbprint: credential.thumbprint, privateKeyPem: await readFile(credential.privateKeyPath, 'utf8') };
  }
  return credential;
}

/** The ladder the raise form offers: POLICY_FILE, else the shipped one for AUTHORITY. */
async function loadPolicies(config: AppConfig): Promise<Policy[]> {
  const { file, authority } = config.policy;
  if (file !== undefined) return [parsePolicy(await readFile(file, 'utf8'), /\.json$/i.test(file) ? 'json' : 'yaml', file)];
  return [getPolicy(authority)];
}

/** Stops on SIGTERM / SIGINT: each step in order (errors logged, not fatal), then exit 0. */
function closeOnSignals(steps: readonly (() => Promise<void>)[], logger: Logger): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info('process.stopping', { signal });
    void (async () => {
      for (const step of steps) {
        try {
          await step();
        } catch (error) {
          logger.error('process.stop_step_failed', errorFields(error));
        }
      }
      logger.info('process.stopped');
      process.exit(0);
    })();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

async function main(): Promise<void> {
  let config: Readonly<AppConfig>;
  try {
    config = loadConfig(readEnvironment());
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  const logger = createLogger({ level: logLevelFrom(config.logLevel) });
  const workerId = `${hostname()}-${process.pid}`;
  // Local mode only: a trainer can move the clock forward to see reminders and chasers arrive.
  const movable = config.mode === 'local' ? new AdjustableClock() : undefined;
  const clock = movable ?? systemClock;

  const db = await openDatabase(config.database);
  // Trying it locally on the sample organisation: its people's sample calendars, so booking a review finds them partly busy.
  if (config.graph.mode === 'local' && config.directory.source === 'org-file' && config.directory.orgFile === DEFAULT_ORG_FILE) {
    await seedSampleCalendars(config.dataDir);
  }
  const graph = await createGraphServices(config);
  const policies = await loadPolicies(config);
  const calendar = createWorkingCalendar({ closureDays: config.closureDays });
  const workers = await caseWorkers(graph.directory);
  logger.info('directory.loaded', { source: config.directory.source, people: (await graph.directory.people()).length, workers: workers.child.length + workers.foster_carer.length });

  const identity: BotIdentity = {
    ...(config.bot.appId !== undefined && { appId: config.bot.appId }),
    ...(config.bot.tenantId !== undefined && { tenantId: config.bot.tenantId }),
    credential: await credentialMaterial(config),
  };
  const tenant = config.bot.tenantId;
  // Every reference this process saves or finds tells it that person's MRI, which their own cards need.
  const { conversations, mriOf } = rememberingMris(createStoredConversationReferences(db, clock));
  const organisation = config.directory.source === 'org-file' ? (await loadOrganisationFile(config.directory.orgFile)).organisation?.name : undefined;
  const flows = createCaseFlows({
    db, clock, calendar, policies, directory: graph.directory, workers, logger,
    // Local mode: "Export as Word" on a briefing note writes it here for the case record.
    ...(config.mode === 'local' && { briefingsDir: path.join(config.dataDir, 'briefings') }),
    mriOf,
    ...(tenant !== undefined && { tenant }),
    ...(organisation !== undefined && { organisation }),
  });
  const reviewStore = { db, clock, calendar, rules: reviewDueRulesFor(config.policy.authority), ...(tenant !== undefined && { tenant }) };
  const reviews = createReviewFlows({ ...reviewStore, directory: graph.directory, freeBusy: graph.calendar, settings: config.reviews, logger });
  const reviewChat = createReviewChat({ flows: reviews, store: reviewStore, directory: graph.directory, clock, calendar, logger });
  const reports = createReports({
    db, clock, calendar, policies, rules: reviewStore.rules, directory: graph.directory, logger, settings: config.reports,
    filesDir: path.join(config.dataDir, 'reports'),
    ...(tenant !== undefined && { tenant }),
    ...(organisation !== undefined && { organisation }),
  });
  await reports.start();
  const running = await startBot({
    identity,
    host: config.host,
    port: config.port,
    conversations,
    flows: { ...flows, ...createTrainingFlows({ clock: movable, calendar, logger }), reviews: reviewChat, reports: reports.chat },
    readiness: databaseReadiness(() => db.migrationsApplied(), logger),
    liveness: databaseLiveness(() => embeddedDatabaseStopped(db), logger),
    logger,
    displayName: config.bot.displayName,
  });

  const outbox = createDeliveryWorker({
    db,
    clock,
    workerId,
    composers: {
      [CASE_TOPIC]: flows.composer.compose,
      [REVIEW_TASK_TOPIC]: createReviewTaskComposer({ ...reviewStore }),
      [REVIEW_BOOKING_TOPIC]: createReviewBookingComposer(reviewStore),
      [REPORT_TOPIC]: reports.composer,
    },
    recorders: [flows.recordDelivery, reviews.recordDelivery],
    failureRecorders: [reviews.recordFailure],
    teams: createTeamsDelivery({
      adapter: running.adapter,
      botAppId: config.bot.appId ?? '',
      ...(tenant !== undefined && { tenantId: tenant }),
      conversations,
      serviceUrl: TEAMS_SERVICE_URL,
      logger,
    }),
    installer: graph.teamsInstaller,
    mail: graph.mail,
    emailOf: async (personId) => (await graph.directory.person(personId))?.email,
    calendar: graph.calendar,
    calendarEvents: { [REVIEW_TOPIC]: reviews.calendarEvents },
    purge: { retentionDays: config.outbox.retentionDays },
    logger,
  });
  const deadlines = createDeadlineDispatcher({
    db,
    clock,
    workerId,
    handler: withReportDeadlines(
      withReviewDeadlines(flows.deadlineHandler, reviewTaskDeadlineHandler({ ...reviewStore, directory: graph.directory, logger })),
      reports.deadlineHandler,
    ),
    onError: (error) => logger.error('deadline.failed', errorFields(error)),
    onLoopError: (error) => logger.warn('deadline.pass_failed', errorFields(error)),
  });
  // The loops never reject: a failed pass is reported and retried with back-off.
  void outbox.start();
  void deadlines.start();

  if (config.mode === 'local') {
    logger.warn('server.local_mode', { host: config.host, port: running.server.port, authentication: false });
    process.stderr.write(
      `\nLOCAL MODE: no MicrosoftAppId is set, so inbound requests are NOT authenticated.\n` +
        `Listening on loopback only: ${running.server.url}/api/messages\n` +
        `Chat with it in a browser: npm run playground\n\n`,
    );
  } else {
    logger.info('server.azure_mode', { appId: config.bot.appId, tenantId: config.bot.tenantId, port: running.server.port });
  }

  closeOnSignals([() => running.server.close(), () => outbox.stop(), () => deadlines.stop(), () => db.close()], logger);
}

try {
  await main();
} catch (error) {
  // Start-up failures (a data folder held by another process, an unreadable organisation file)
  // are about the installation, not about people, so their message is shown as it is.
  process.stderr.write(`Resolve could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
