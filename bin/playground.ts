/**
 * `npm run playground` / `npm run dev`: Microsoft 365 Agents Playground pointed at the bot. With
 * a Resolve bot already answering on PORT (`npm start` in another shell) it uses that one and
 * Ctrl-C stops only the playground; otherwise it starts the bot too and Ctrl-C stops both. When
 * neither can work (the port or the data folder held by another process) it says so, exits 2,
 * and prints no address.
 *   npm run playground                 # playground on 56150
 *   npm run playground -- --port 8080  # another port
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, readEnvironment, type AppConfig } from './config.js';
import { loadOrganisationFile } from '../graph/directory/index.js';
import {
  DEFAULT_PLAYGROUND_PORT,
  dataFolderOwner,
  decideBot,
  probeHealthz,
  startAgentsPlayground,
  startBotProcess,
  type BotProcess,
  type ManagedProcess,
} from './agents-playground.js';

/** Priya Okonjo, the fictional IRO of the sample organisation: the signed-in playground user. */
const SAMPLE_OFFICER_ID = 'ff53a46f-5ead-403a-84c4-b877678537a3';

const USAGE = 'usage: npm run playground [-- --port <playground port>] [--user <Entra object id of the signed-in user>]';
// `node bin/playground.ts -- --port 8080` passes the `--` through, where npm would have dropped it.
const args = process.argv.slice(2);
let values: { port: string; user?: string | undefined };
try {
  ({ values } = parseArgs({ args: args[0] === '--' ? args.slice(1) : args, options: { port: { type: 'string', default: String(DEFAULT_PLAYGROUND_PORT) }, user: { type: 'string' } } }));
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
  process.exit(2);
}
const playgroundPort = Number(values.port);
if (!Number.isInteger(playgroundPort) || playgroundPort < 1 || playgroundPort > 65535) {
  process.stderr.write(`--port must be a port number (1 to 65535), not "${values.port}".\n${USAGE}\n`);
  process.exit(2);
}
let config: Readonly<AppConfig>;
let environment: NodeJS.ProcessEnv;
try {
  environment = readEnvironment();
  config = loadConfig(environment);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(2);
}
if (config.mode !== 'local') {
  process.stderr.write('The playground talks to the bot without Bot Framework tokens: unset MicrosoftAppId (local mode) to use it.\n');
  process.exit(2);
}

const decision = decideBot({ port: config.port, healthz: await probeHealthz(config.port), lockOwner: dataFolderOwner(config.database) });
if (decision.action === 'refuse') {
  process.stderr.write(`${decision.message}\n`);
  process.exit(2);
}

const org = await loadOrganisationFile(config.directory.orgFile);
const currentUserId = values.user ?? (org.people.some((p) => p.id === SAMPLE_OFFICER_ID) ? SAMPLE_OFFICER_ID : org.people[0]!.id);

const running: ManagedProcess[] = [];
let stopping = false;
const stopAll = async (code: number) => {
  if (stopping) return;
  stopping = true;
  for (const child of running.reverse()) await child.stop();
  process.exit(code);
};
process.once('SIGINT', () => void stopAll(0));
process.once('SIGTERM', () => void stopAll(0));

let bot: BotProcess | undefined;
try {
  if (decision.action === 'reuse') {
    process.stdout.write(`${decision.message}\n`);
  } else {
    // The bot gets the same configuration the playground read (the environment over this folder's .env).
    bot = await startBotProcess(environment, config.port);
    running.push(bot);
  }
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  await stopAll(1);
}

try {
  const playground = await startAgentsPlayground({
    botEndpoint: `http://127.0.0.1:${config.port}/api/messages`,
    port: playgroundPort,
    org,
    currentUserId,
    env: process.env,
  });
  running.push(playground);
  const stops = bot === undefined ? 'Ctrl-C stops the playground; the bot keeps running.' : 'Ctrl-C stops both.';
  process.stdout.write(`\nAgents Playground: open ${playground.url} in a browser and type "help". ${stops}\n\n`);
  const ended = [playground.exited.then(() => `Agents Playground stopped${bot === undefined ? '' : '; stopping the bot'}.`)];
  if (bot !== undefined) {
    const said = bot.lastWords;
    ended.push(bot.exited.then(() => `The bot stopped${said() === undefined ? '' : ` (${said()})`}; stopping Agents Playground.`));
  }
  const first = await Promise.race(ended);
  if (!stopping) {
    process.stderr.write(`${first}\n`);
    await stopAll(1);
  }
} catch (error) {
  process.stderr.write(`Could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  await stopAll(1);
}
