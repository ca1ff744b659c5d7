/**
 * `npm run playground` / `npm run dev`: the bot (as `npm start` runs it) plus Microsoft 365
 * Agents Playground pointed at it. Ctrl-C stops both.
 *   npm run playground                 # playground on 56150
 *   npm run playground -- --port 8080  # another port
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../../bin/config.js';
import { loadOrganisationFile } from '../../graph/directory/index.js';
import { DEFAULT_PLAYGROUND_PORT, startAgentsPlayground, startBotProcess, type ManagedProcess } from './agents-playground.js';

/** Priya Okonjo, the fictional IRO of the sample organisation: the signed-in playground user. */
const SAMPLE_OFFICER_ID = 'ff53a46f-5ead-403a-84c4-b877678537a3';

const { values } = parseArgs({ options: { port: { type: 'string', default: String(DEFAULT_PLAYGROUND_PORT) }, user: { type: 'string' } } });
const playgroundPort = Number(values.port);
const config = loadConfig(process.env);
if (config.mode !== 'local') {
  process.stderr.write('The playground talks to the bot without Bot Framework tokens: unset MicrosoftAppId (local mode) to use it.\n');
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

try {
  const bot = await startBotProcess(process.env, config.port);
  running.push(bot);
  const playground = await startAgentsPlayground({
    botEndpoint: `http://127.0.0.1:${config.port}/api/messages`,
    port: playgroundPort,
    org,
    currentUserId,
    env: process.env,
  });
  running.push(playground);
  process.stdout.write(`\nAgents Playground: open ${playground.url} in a browser and type "help". Ctrl-C stops both.\n\n`);
  const first = await Promise.race([bot.exited.then(() => 'the bot'), playground.exited.then(() => 'Agents Playground')]);
  if (!stopping) {
    process.stderr.write(`${first} stopped; stopping the other.\n`);
    await stopAll(1);
  }
} catch (error) {
  process.stderr.write(`Could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  await stopAll(1);
}
