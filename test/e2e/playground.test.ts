/**
 * End to end in a real Teams-like client: the bot as `npm start` runs it (a child process, PGlite
 * in a scratch data folder), Microsoft 365 Agents Playground pointed at it, and headless Chromium
 * driving the playground's page. Screenshots go to test-results/ (git-ignored).
 * This test never skips: without Chromium it fails and says how to install it.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { loadOrganisationFile } from '../../graph/directory/index.js';
import { REPO_ROOT, startAgentsPlayground, startBotProcess, type ManagedProcess, type RunningPlayground } from '../../bot/dev/agents-playground.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SCREENSHOTS = path.join(REPO_ROOT, 'test-results');
const OFFICER = 'ff53a46f-5ead-403a-84c4-b877678537a3'; // Priya Okonjo, fictional IRO

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Fails, never skips, when Chromium is missing: locally and in CI alike. */
function requireChromium(executable: string): void {
  if (!existsSync(executable)) {
    throw new Error(
      `Chromium is not installed at ${executable}, so the end-to-end test cannot run (it never skips). ` +
        'Install it with: apt-get install -y chromium   (.ci/run does this in CI)',
    );
  }
}

describe('e2e: the Chromium check', () => {
  it('fails with the install command when Chromium is missing, rather than skipping', () => {
    assert.throws(() => requireChromium('/nonexistent/chromium'), /apt-get install -y chromium/);
  });
});

describe('e2e: Agents Playground in headless Chromium against the real bot', function () {
  this.timeout(180_000);
  let dataDir: string;
  let bot: ManagedProcess | undefined;
  let playground: RunningPlayground | undefined;
  let browser: Browser | undefined;
  let page: Page;

  const shoot = async (name: string) => {
    await page.screenshot({ path: path.join(SCREENSHOTS, `e2e-${name}.png`), fullPage: true });
  };
  const send = async (text: string) => {
    const box = page.getByRole('textbox').first();
    await box.fill(text);
    await box.press('Enter');
  };

  /** Waits for text in the conversation (the chat list's preview, earlier on the page, is not it). */
  const chatShows = async (text: string) => {
    await page.getByText(text).last().waitFor({ timeout: 20_000 });
  };

  before(async () => {
    requireChromium(CHROMIUM);
    await mkdir(SCREENSHOTS, { recursive: true });
    dataDir = await mkdtemp(path.join(tmpdir(), 'resolve-e2e-'));
    const botPort = await freePort();
    // Only PATH and DATA_DIR: whatever the developer's shell sets, this runs in local mode.
    bot = await startBotProcess({ PATH: process.env.PATH ?? '', DATA_DIR: dataDir }, botPort, 'ignore');
    playground = await startAgentsPlayground({
      botEndpoint: `http://127.0.0.1:${botPort}/api/messages`,
      port: await freePort(),
      org: await loadOrganisationFile(path.join(REPO_ROOT, 'graph/samples/organisation.yaml')),
      currentUserId: OFFICER,
      env: { PATH: process.env.PATH ?? '' },
      stdio: 'ignore',
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(playground.url);
    await page.getByRole('textbox').first().waitFor({ timeout: 30_000 });
  });

  after(async () => {
    await browser?.close();
    await playground?.stop();
    await bot?.stop();
    if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
  });

  it('the signed-in officer types "help" and the bot answers in the chat with every command', async () => {
    await send('help');
    await chatShows('Resolve understands:');
    for (const command of ['raise', 'my cases', 'case <reference>']) {
      assert.ok(await page.getByText(command, { exact: true }).first().isVisible(), `help lists "${command}"`);
    }
    await shoot('help');
  });

  it('an unknown command gets "I did not understand" in the same chat', async () => {
    await send('what can you do');
    await chatShows('I did not understand that.');
    await shoot('unknown-command');
  });
});
