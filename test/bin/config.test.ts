import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { CONFIG_VARIABLES, ConfigError, DEFAULT_ORG_FILE, loadConfig, loadManifestSettings, readEnvironment } from '../../bin/config.js';

const APP_ID = '6f1c2b0e-4a7d-4c1e-9b2a-3d5e7f901234';
const TENANT = '0b7e5d2c-1a3f-4e6b-8c9d-2f4a6b8c0d1e';
const TEAMS_APP = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const azure = { MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'not-a-real-secret', MicrosoftAppType: 'SingleTenant', MicrosoftAppTenantId: TENANT, MAIL_SENDER: 'resolve@northmoor.example', TEAMS_APP_ID: TEAMS_APP };

function problemsOf(env: NodeJS.ProcessEnv): Map<string, string> {
  try {
    loadConfig(env);
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${String(e)}`);
    return new Map(e.problems.map((p) => [p.variable, p.problem]));
  }
  assert.fail('expected the configuration to be refused');
}

describe('bin/config loadConfig', () => {
  it('an empty environment gives local mode on loopback port 3978, PGlite in .data/, the sample organisation and Oxfordshire', () => {
    const c = loadConfig({});
    assert.equal(c.mode, 'local');
    assert.equal(c.port, 3978);
    assert.equal(c.host, '127.0.0.1');
    assert.equal(c.dataDir, path.resolve('.data'));
    assert.deepEqual(c.database, { kind: 'pglite', dataDir: path.join(path.resolve('.data'), 'pglite'), thread: true });
    assert.equal(c.graph.mode, 'local');
    assert.equal(c.directory.source, 'org-file');
    assert.equal(c.directory.orgFile, DEFAULT_ORG_FILE);
    assert.equal(c.policy.authority, 'oxfordshire');
    assert.deepEqual(c.bot.credential, { kind: 'none' });
    assert.equal(c.bot.appId, undefined);
    assert.equal(c.bot.displayName, 'Resolve');
    assert.equal(c.logLevel, 'info');
    assert.deepEqual(c.closureDays, []);
  });

  it('the configuration is frozen all the way down', () => {
    const c = loadConfig({ CLOSURE_DAYS: '2026-12-29' });
    assert.ok(Object.isFrozen(c) && Object.isFrozen(c.bot) && Object.isFrozen(c.database) && Object.isFrozen(c.closureDays));
    assert.throws(() => {
      (c as { port: number }).port = 1;
    }, TypeError);
  });

  it('a full single-tenant registration gives azure mode on all interfaces, Graph mode and a PostgreSQL server', () => {
    const c = loadConfig({ ...azure, DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test', PORT: '8080' });
    assert.equal(c.mode, 'azure');
    assert.equal(c.host, '0.0.0.0');
    assert.equal(c.port, 8080);
    assert.deepEqual(c.database, { kind: 'postgres', url: 'postgres://postgres@127.0.0.1:5432/test', namedStatements: true });
    assert.equal(c.graph.mode, 'graph');
    assert.equal(c.graph.mailSender, 'resolve@northmoor.example');
    assert.equal(c.graph.teamsAppId, TEAMS_APP);
    assert.deepEqual(c.bot.credential, { kind: 'secret', password: 'not-a-real-secret' });
    assert.equal(c.bot.tenantId, TENANT);
  });

  it('a certificate replaces the password when its key file exists', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'resolve-config-'));
    const key = path.join(dir, 'bot.pem');
    writeFileSync(key, '-----BEGIN PRIVATE KEY-----\nnot-a-key\n-----END PRIVATE KEY-----\n');
    const { MicrosoftAppPassword: _password, ...rest } = azure;
    const c = loadConfig({ ...rest, MicrosoftAppCertificateThumbprint: 'A1B2C3D4E5F60718293A4B5C6D7E8F9012345678', MicrosoftAppCertificatePrivateKey: key });
    assert.deepEqual(c.bot.credential, { kind: 'certificate', thumbprint: 'A1B2C3D4E5F60718293A4B5C6D7E8F9012345678', privateKeyPath: key });
  });

  it('each bad variable is named in one error, with how to fix it', () => {
    const problems = problemsOf({
      PORT: '70000',
      DATABASE_URL: 'mysql://db',
      GRAPH_MODE: 'cloud',
      DIRECTORY_SOURCE: 'ldap',
      LOG_LEVEL: 'chatty',
      PUBLIC_BASE_URL: 'http://resolve.northmoor.example',
      TEAMS_APP_ID: 'resolve',
      AUTHORITY: 'Oxford Shire',
      MAIL_SENDER: 'not an address',
    });
    assert.deepEqual([...problems.keys()].sort(), [
      'AUTHORITY', 'DATABASE_URL', 'DIRECTORY_SOURCE', 'GRAPH_MODE', 'LOG_LEVEL', 'MAIL_SENDER', 'PORT', 'PUBLIC_BASE_URL', 'TEAMS_APP_ID',
    ]);
    assert.match(problems.get('PORT')!, /between 1 and 65535/);
    assert.match(problems.get('DATABASE_URL')!, /postgres:\/\/.*PGlite/);
    assert.match(problems.get('GRAPH_MODE')!, /"local".*"graph"/);
    assert.match(problems.get('PUBLIC_BASE_URL')!, /https/);
  });

  it('PGLITE_THREAD runs PGlite in a worker thread unless it is false or 0; any other value is named', () => {
    const threaded = (value: string | undefined) => {
      const { database } = loadConfig(value === undefined ? {} : { PGLITE_THREAD: value });
      return database.kind === 'pglite' ? database.thread : undefined;
    };
    assert.deepEqual([undefined, '', 'true', '1', ' TRUE '].map(threaded), [true, true, true, true, true]);
    assert.deepEqual(['false', '0', 'False'].map(threaded), [false, false, false]);
    assert.match(problemsOf({ PGLITE_THREAD: 'yes' }).get('PGLITE_THREAD')!, /must be true or false \(or 1 or 0\)/);
  });

  it('DATABASE_NAMED_STATEMENTS keeps a command\'s statements prepared on a PostgreSQL server unless it is false or 0 (a pooler that cannot keep them); any other value is named', () => {
    const named = (value: string | undefined) => {
      const { database } = loadConfig({ DATABASE_URL: 'postgres://resolve@db.northmoor.example:5432/resolve', ...(value !== undefined && { DATABASE_NAMED_STATEMENTS: value }) });
      return database.kind === 'postgres' ? database.namedStatements : undefined;
    };
    assert.deepEqual([undefined, '', 'true', '1'].map(named), [true, true, true, true]);
    assert.deepEqual(['false', '0', ' FALSE '].map(named), [false, false, false]);
    assert.match(problemsOf({ DATABASE_NAMED_STATEMENTS: 'sometimes' }).get('DATABASE_NAMED_STATEMENTS')!, /must be true or false.*PgBouncer/);
  });

  it('AUTHORITY names a shipped ladder, written with a hyphen or an underscore; an unknown one lists the known ladders', () => {
    assert.equal(loadConfig({ AUTHORITY: 'cheshire-east' }).policy.authority, 'cheshire_east');
    assert.equal(loadConfig({ AUTHORITY: 'Dudley' }).policy.authority, 'dudley');
    assert.match(problemsOf({ AUTHORITY: 'kent' }).get('AUTHORITY')!, /one of dudley, somerset, oxfordshire, cheshire_east/);
  });

  it('the error message lists every variable at fault', () => {
    assert.throws(() => loadConfig({ PORT: 'abc', CLOSURE_DAYS: '2026-02-30' }), (e: Error) => /PORT/.test(e.message) && /CLOSURE_DAYS/.test(e.message) && /env\.sample/.test(e.message));
  });

  it('CLOSURE_DAYS are parsed, sorted and de-duplicated; an impossible date is refused', () => {
    assert.deepEqual(loadConfig({ CLOSURE_DAYS: '2026-12-31, 2026-12-29,2026-12-31' }).closureDays, ['2026-12-29', '2026-12-31']);
    assert.match(problemsOf({ CLOSURE_DAYS: '2026-12-29,2026-02-30' }).get('CLOSURE_DAYS')!, /2026-02-30/);
  });

  it('an app id without a tenant is refused', () => {
    const { MicrosoftAppTenantId: _tenant, ...rest } = azure;
    assert.match(problemsOf(rest).get('MicrosoftAppTenantId')!, /required with MicrosoftAppId/);
  });

  it('an app id without a password or certificate is refused', () => {
    const { MicrosoftAppPassword: _password, ...rest } = azure;
    assert.match(problemsOf(rest).get('MicrosoftAppPassword')!, /certificate/);
  });

  it('MultiTenant and UserAssignedMSI app types are refused with the reason; SingleTenant is required', () => {
    assert.match(problemsOf({ ...azure, MicrosoftAppType: 'MultiTenant' }).get('MicrosoftAppType')!, /MultiTenant is refused: .*SingleTenant/);
    assert.match(problemsOf({ ...azure, MicrosoftAppType: 'UserAssignedMSI' }).get('MicrosoftAppType')!, /UserAssignedMSI is refused/);
    assert.match(problemsOf({ ...azure, MicrosoftAppType: '' }).get('MicrosoftAppType')!, /SingleTenant/);
  });

  it('a password set without an app id is refused rather than ignored', () => {
    assert.match(problemsOf({ MicrosoftAppPassword: 'x' }).get('MicrosoftAppPassword')!, /MicrosoftAppId is not/);
  });

  it('without an app id the bot listens on loopback only: a public HOST is refused', () => {
    assert.match(problemsOf({ HOST: '0.0.0.0' }).get('HOST')!, /loopback/);
    assert.match(problemsOf({ HOST: 'http://localhost/' }).get('HOST')!, /IP address or host name/);
    assert.equal(loadConfig({ HOST: '::1' }).host, '::1');
    assert.equal(loadConfig({ ...azure, HOST: '10.1.2.3' }).host, '10.1.2.3');
  });

  it('Graph mode needs an app registration, a mail sender and the Teams app id', () => {
    const problems = problemsOf({ GRAPH_MODE: 'graph' });
    assert.ok(problems.has('GRAPH_MODE') && problems.has('MAIL_SENDER') && problems.has('TEAMS_APP_ID'));
    assert.equal(loadConfig({ ...azure, GRAPH_MODE: 'local' }).graph.mode, 'local');
  });

  it('the Entra directory needs Graph mode and a valid role-to-group map', () => {
    assert.ok(problemsOf({ DIRECTORY_SOURCE: 'entra' }).has('DIRECTORY_SOURCE'));
    assert.match(problemsOf({ ...azure, DIRECTORY_SOURCE: 'entra', ENTRA_ROLE_GROUPS: 'chief_wizard=6f1c2b0e-4a7d-4c1e-9b2a-3d5e7f901234' }).get('ENTRA_ROLE_GROUPS')!, /not a role key/);
    const c = loadConfig({ ...azure, DIRECTORY_SOURCE: 'entra', ENTRA_ROLE_GROUPS: `head_of_service=${TENANT}, business_support=${APP_ID}` });
    assert.deepEqual(c.directory.roleGroups, { head_of_service: TENANT, business_support: APP_ID });
  });

  it('a missing organisation file or policy file is named with its path', () => {
    const problems = problemsOf({ ORG_FILE: '/nonexistent/org.yaml', POLICY_FILE: '/nonexistent/ladder.yaml' });
    assert.match(problems.get('ORG_FILE')!, /\/nonexistent\/org\.yaml/);
    assert.match(problems.get('POLICY_FILE')!, /\/nonexistent\/ladder\.yaml/);
  });

  it('blank variables count as unset', () => {
    assert.equal(loadConfig({ PORT: '', MicrosoftAppId: ' ', LOG_LEVEL: '' }).port, 3978);
  });

  it('issue 9 Booking: review booking settings default to 09:00-17:00, 90 minutes, the officer\'s calendar and soonest first', () => {
    assert.deepEqual(loadConfig({}).reviews, { workingHours: { start: '09:00', end: '17:00' }, meetingMinutes: 90, organiser: { kind: 'officer' }, slotOrder: 'soonest' });
    assert.ok(Object.isFrozen(loadConfig({}).reviews.workingHours));
  });

  it('issue 9 Booking: good review booking settings are read: working hours, meeting length, a shared mailbox or the officer, one-per-day', () => {
    const c = loadConfig({ REVIEW_WORKING_HOURS: ' 08:30-16:00 ', REVIEW_MEETING_MINUTES: '120', REVIEW_ORGANISER: 'Reviews@Northmoor.example', REVIEW_SLOT_ORDER: 'One-Per-Day' });
    assert.deepEqual(c.reviews, { workingHours: { start: '08:30', end: '16:00' }, meetingMinutes: 120, organiser: { kind: 'mailbox', email: 'reviews@northmoor.example' }, slotOrder: 'one-per-day' });
    assert.deepEqual(loadConfig({ REVIEW_ORGANISER: 'Officer', REVIEW_MEETING_MINUTES: '', REVIEW_SLOT_ORDER: 'soonest' }).reviews.organiser, { kind: 'officer' });
    assert.equal(loadConfig({ REVIEW_WORKING_HOURS: '09:00-10:30', REVIEW_MEETING_MINUTES: '90' }).reviews.meetingMinutes, 90);
  });

  it('issue 9 Booking: each bad review booking setting is refused, naming its variable and how to fix it', () => {
    const problems = problemsOf({ REVIEW_WORKING_HOURS: '9-5', REVIEW_MEETING_MINUTES: 'an hour', REVIEW_ORGANISER: 'the IRO', REVIEW_SLOT_ORDER: 'latest' });
    assert.deepEqual([...problems.keys()].sort(), ['REVIEW_MEETING_MINUTES', 'REVIEW_ORGANISER', 'REVIEW_SLOT_ORDER', 'REVIEW_WORKING_HOURS']);
    assert.match(problems.get('REVIEW_WORKING_HOURS')!, /HH:MM-HH:MM.*09:00-17:00/);
    assert.match(problems.get('REVIEW_MEETING_MINUTES')!, /whole number of minutes/);
    assert.match(problems.get('REVIEW_ORGANISER')!, /"officer".*shared reviews mailbox/);
    assert.match(problems.get('REVIEW_SLOT_ORDER')!, /"soonest".*"one-per-day"/);
    assert.match(problemsOf({ REVIEW_WORKING_HOURS: '17:00-09:00' }).get('REVIEW_WORKING_HOURS')!, /must end after it starts/);
    assert.match(problemsOf({ REVIEW_WORKING_HOURS: '09:00-25:00' }).get('REVIEW_WORKING_HOURS')!, /HH:MM-HH:MM/);
    assert.match(problemsOf({ REVIEW_MEETING_MINUTES: '10' }).get('REVIEW_MEETING_MINUTES')!, /at least 15/);
    assert.match(problemsOf({ REVIEW_MEETING_MINUTES: '90.5' }).get('REVIEW_MEETING_MINUTES')!, /whole number/);
    assert.match(problemsOf({ REVIEW_WORKING_HOURS: '09:00-10:00', REVIEW_MEETING_MINUTES: '90' }).get('REVIEW_MEETING_MINUTES')!, /90-minute meeting does not fit in the working day of REVIEW_WORKING_HOURS \(09:00-10:00, 60 minutes\)/);
    // A malformed working day is reported once, for its form, not again as a meeting that does not fit.
    assert.deepEqual([...problemsOf({ REVIEW_WORKING_HOURS: 'all day', REVIEW_MEETING_MINUTES: '90' }).keys()], ['REVIEW_WORKING_HOURS']);
  });

  it('issue 11 Purge: OUTBOX_RETENTION_DAYS is how many days delivered outbox effects are kept, 30 unless set', () => {
    assert.deepEqual(loadConfig({}).outbox, { retentionDays: 30 });
    assert.deepEqual(loadConfig({ OUTBOX_RETENTION_DAYS: ' 90 ' }).outbox, { retentionDays: 90 });
    assert.equal(loadConfig({ OUTBOX_RETENTION_DAYS: '' }).outbox.retentionDays, 30);
    assert.ok(Object.isFrozen(loadConfig({}).outbox));
  });

  it('issue 11 Purge: a bad OUTBOX_RETENTION_DAYS stops the start, naming the variable and how to fix it', () => {
    assert.match(problemsOf({ OUTBOX_RETENTION_DAYS: 'a month' }).get('OUTBOX_RETENTION_DAYS')!, /whole number of days, for example 30/);
    assert.match(problemsOf({ OUTBOX_RETENTION_DAYS: '7.5' }).get('OUTBOX_RETENTION_DAYS')!, /whole number of days/);
    assert.match(problemsOf({ OUTBOX_RETENTION_DAYS: '0' }).get('OUTBOX_RETENTION_DAYS')!, /at least 1 day/);
    assert.match(problemsOf({ OUTBOX_RETENTION_DAYS: '36500' }).get('OUTBOX_RETENTION_DAYS')!, /at most 3650 days/);
    assert.deepEqual([...problemsOf({ OUTBOX_RETENTION_DAYS: '-3' }).keys()], ['OUTBOX_RETENTION_DAYS']);
  });

  it('env.sample documents every variable, and its uncommented lines load', () => {
    const sample = readFileSync(new URL('../../env.sample', import.meta.url), 'utf8');
    for (const variable of CONFIG_VARIABLES) assert.match(sample, new RegExp(`^#?${variable}=`, 'm'), `${variable} is missing from env.sample`);
    const active = Object.fromEntries(sample.split('\n').filter((l) => /^[A-Za-z_]+=/.test(l)).map((l) => l.split(/=(.*)/s).slice(0, 2)));
    assert.equal(loadConfig(active).mode, 'local');
  });
});

describe('bin/config readEnvironment', () => {
  const withEnvFile = (text: string): string => {
    const dir = mkdtempSync(path.join(tmpdir(), 'resolve-dotenv-'));
    writeFileSync(path.join(dir, '.env'), text);
    return dir;
  };
  const refusal = (run: () => unknown): ConfigError => {
    try {
      run();
    } catch (e) {
      assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${String(e)}`);
      return e;
    }
    assert.fail('expected the .env file to be refused');
  };

  it('the variables of .env in the working directory are used', () => {
    const cwd = withEnvFile('PORT=4000\nLOG_LEVEL=debug\nAUTHORITY=dudley\n');
    const env = readEnvironment({ cwd, env: {} });
    assert.deepEqual(env, { PORT: '4000', LOG_LEVEL: 'debug', AUTHORITY: 'dudley' });
    const c = loadConfig(env);
    assert.equal(c.port, 4000);
    assert.equal(c.logLevel, 'debug');
    assert.equal(c.policy.authority, 'dudley');
  });

  it('env.sample copied to .env, as the README says, is read and loads', () => {
    const cwd = withEnvFile(readFileSync(new URL('../../env.sample', import.meta.url), 'utf8'));
    const env = readEnvironment({ cwd, env: {} });
    assert.deepEqual(env, { PORT: '3978', DATA_DIR: '.data/', LOG_LEVEL: 'info' });
    assert.equal(loadConfig(env).mode, 'local');
  });

  it('a variable set in the real environment wins over .env, and one set only there is kept', () => {
    const cwd = withEnvFile('PORT=4000\nLOG_LEVEL=debug\n');
    const env = readEnvironment({ cwd, env: { PORT: '5000', HOST: '::1' } });
    assert.deepEqual(env, { PORT: '5000', LOG_LEVEL: 'debug', HOST: '::1' });
    assert.equal(loadConfig(env).port, 5000);
  });

  it('without a .env file the environment is returned as it is, as a copy', () => {
    const real = { PORT: '5000' };
    const env = readEnvironment({ cwd: mkdtempSync(path.join(tmpdir(), 'resolve-dotenv-')), env: real });
    assert.deepEqual(env, real);
    assert.notEqual(env, real);
  });

  it('quoted values, export, comments, blank lines, CRLF and a value over several lines are read', () => {
    const cwd = withEnvFile(
      [
        '# Resolve configuration',
        '',
        'BOT_DISPLAY_NAME="Resolve Northmoor"   # the name Teams shows',
        "MicrosoftAppPassword='a#b=c'",
        'export LOG_LEVEL=warn',
        '  CLOSURE_DAYS = 2026-12-29,2026-12-30  ',
        '#PORT=9999',
        'POLICY_NOTE="first line',
        'second line"',
        'DATA_DIR=.data-test/',
      ].join('\r\n'),
    );
    const env = readEnvironment({ cwd, env: {} });
    assert.deepEqual(env, {
      BOT_DISPLAY_NAME: 'Resolve Northmoor',
      MicrosoftAppPassword: 'a#b=c',
      LOG_LEVEL: 'warn',
      CLOSURE_DAYS: '2026-12-29,2026-12-30',
      POLICY_NOTE: 'first line\nsecond line',
      DATA_DIR: '.data-test/',
    });
  });

  it('a .env line that is not NAME=value is refused, naming the file and the line but never its text', () => {
    const cwd = withEnvFile('PORT=4000\nMicrosoftAppPassword secret-value\nLOG LEVEL=debug\n');
    const e = refusal(() => readEnvironment({ cwd, env: {} }));
    const file = path.join(cwd, '.env');
    assert.deepEqual(e.problems.map((p) => p.variable), [file, file]);
    assert.match(e.problems[0]!.problem, /line 2 is not NAME=value/);
    assert.match(e.problems[1]!.problem, /line 3 is not NAME=value/);
    assert.ok(e.message.includes(file));
    assert.doesNotMatch(e.message, /secret-value/);
  });

  it('a quote left open in .env is refused with its line', () => {
    const cwd = withEnvFile('PORT=4000\nBOT_DISPLAY_NAME="Resolve\nLOG_LEVEL=debug\n');
    assert.match(refusal(() => readEnvironment({ cwd, env: {} })).message, /\.env: line 2 opens a " quote that is never closed/);
  });

  it('a .env that cannot be read is refused, naming the file', () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'resolve-dotenv-'));
    mkdirSync(path.join(cwd, '.env'));
    const e = refusal(() => readEnvironment({ cwd, env: {} }));
    assert.equal(e.problems[0]!.variable, path.join(cwd, '.env'));
    assert.match(e.problems[0]!.problem, /could not be read \(EISDIR\)/);
    if (process.getuid?.() !== 0) {
      const locked = withEnvFile('PORT=4000\n');
      chmodSync(path.join(locked, '.env'), 0o000);
      assert.match(refusal(() => readEnvironment({ cwd: locked, env: {} })).message, /\.env: could not be read \(EACCES\)/);
    }
  });

  it('another file can be named, relative to the working directory', () => {
    const cwd = withEnvFile('PORT=4000\n');
    writeFileSync(path.join(cwd, 'staging.env'), 'PORT=4001\n');
    assert.equal(readEnvironment({ cwd, env: {}, file: 'staging.env' }).PORT, '4001');
  });

  it('the manifest settings read .env by default', () => {
    const cwd = withEnvFile(`TEAMS_APP_ID=${TEAMS_APP}\nMicrosoftAppId=${APP_ID}\nPUBLIC_BASE_URL=https://resolve.northmoor.example/\n`);
    const before = process.cwd();
    process.chdir(cwd);
    try {
      assert.deepEqual(loadManifestSettings(), { teamsAppId: TEAMS_APP, botId: APP_ID, publicBaseUrl: 'https://resolve.northmoor.example', botDisplayName: 'Resolve' });
    } finally {
      process.chdir(before);
    }
  });
});
