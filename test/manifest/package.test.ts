import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import JSZip from 'jszip';
import { ConfigError, loadManifestSettings, type ManifestSettings } from '../../bin/config.js';
import { InvalidInputError } from '../../domain/errors.js';
import { drawColorIcon, drawOutlineIcon } from '../../manifest/icons.js';
import { buildAppPackage, fillTemplate, manifestValues, TEMPLATE_PATH, validateManifest } from '../../manifest/package.js';
import { encodePng, readPngHeader, readPngPixels } from '../../manifest/png.js';

const settings: ManifestSettings = {
  teamsAppId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
  botId: '6f1c2b0e-4a7d-4c1e-9b2a-3d5e7f901234',
  publicBaseUrl: 'https://resolve.northmoor.example',
  botDisplayName: 'Resolve',
};
const options = { settings, version: '0.1.0', developerName: 'Northmoor Borough Council' };
interface Manifest {
  [key: string]: unknown;
  $schema: string;
  manifestVersion: string;
  id: string;
  validDomains: string[];
  webApplicationInfo: unknown;
  developer: { privacyUrl: string };
  bots: { botId: string; scopes: string[]; commandLists: { scopes: string[]; commands: { title: string }[] }[] }[];
  composeExtensions: { botId: string; commands: unknown[] }[];
}
const filledTemplate = () => JSON.parse(fillTemplate(readFileSync(TEMPLATE_PATH, 'utf8'), manifestValues(options))) as Manifest;
const manifestDir = path.dirname(TEMPLATE_PATH);

describe('manifest: the Teams app package', () => {
  it('the template uses the latest numbered schema version that @microsoft/app-manifest bundles', () => {
    const schemas = path.join(path.dirname(createRequire(import.meta.url).resolve('@microsoft/app-manifest')), 'json-schemas', 'teams');
    const versions = readdirSync(schemas).filter((v) => /^v\d+\.\d+$/.test(v)).map((v) => v.slice(1).split('.').map(Number) as [number, number]);
    const [major, minor] = versions.sort((a, b) => a[0] - b[0] || a[1] - b[1]).at(-1)!;
    const m = filledTemplate();
    assert.equal(m.manifestVersion, `${major}.${minor}`);
    assert.match(m.$schema, new RegExp(`/v${major}\\.${minor}/MicrosoftTeams\\.schema\\.json$`));
  });

  it('the filled template validates against the bundled schema, offline', async () => {
    assert.deepEqual(await validateManifest(filledTemplate()), []);
  });

  it('a bad id is a schema fault naming /id', async () => {
    const faults = await validateManifest({ ...filledTemplate(), id: 'resolve' });
    assert.ok(faults.some((f) => f.startsWith('/id ')), faults.join('\n'));
  });

  it('declares the bot in personal, team and group chat: raise, my cases, overdue, due, report, case and help in the 1:1 chat, raise and help elsewhere', () => {
    const bot = filledTemplate().bots[0]!;
    assert.equal(bot.botId, settings.botId);
    assert.deepEqual(bot.scopes, ['personal', 'team', 'groupChat']);
    const commandsIn = (scope: string) => bot.commandLists.filter((l) => l.scopes.includes(scope)).flatMap((l) => l.commands.map((c) => c.title));
    assert.deepEqual(commandsIn('personal'), ['raise', 'my cases', 'overdue', 'due', 'report', 'case', 'help']);
    assert.deepEqual(commandsIn('team'), ['raise', 'help']);
    assert.deepEqual(commandsIn('groupChat'), ['raise', 'help']);
  });

  it('no command list outside the 1:1 chat offers "my cases" or "case", which the bot answers only there', () => {
    const lists = filledTemplate().bots.flatMap((b) => b.commandLists);
    assert.ok(lists.some((l) => l.scopes.includes('personal')));
    for (const list of lists.filter((l) => l.scopes.some((scope) => scope !== 'personal'))) {
      assert.deepEqual(list.scopes.filter((scope) => scope === 'personal'), [], 'a list for group scopes is not shared with the 1:1 chat');
      const offered = list.commands.map((c) => c.title);
      assert.ok(!offered.includes('my cases') && !offered.includes('case') && !offered.includes('overdue') && !offered.includes('due') && !offered.includes('report'), `${list.scopes.join(', ')} offers ${offered.join(', ')}`);
    }
  });

  it('has the message action "Raise alert from this message" in the message context, fetching a task module', () => {
    const extension = filledTemplate().composeExtensions[0]!;
    assert.equal(extension.botId, settings.botId);
    assert.deepEqual(extension.commands[0], {
      id: 'raiseFromMessage',
      type: 'action',
      title: 'Raise alert from this message',
      description: "Open the Resolve form with this message's text filled in",
      context: ['message'],
      fetchTask: true,
    });
  });

  it('fills the ids, the domain and webApplicationInfo from the settings', () => {
    const m = filledTemplate();
    assert.equal(m.id, settings.teamsAppId);
    assert.deepEqual(m.validDomains, ['resolve.northmoor.example']);
    assert.deepEqual(m.webApplicationInfo, { id: settings.botId, resource: `api://resolve.northmoor.example/botid-${settings.botId}` });
    assert.equal(m.developer.privacyUrl, 'https://resolve.northmoor.example/privacy');
  });

  it('a missing id gives a clear error naming the variable and how to set it', () => {
    assert.throws(
      () => loadManifestSettings({ MicrosoftAppId: settings.botId, PUBLIC_BASE_URL: settings.publicBaseUrl }, {}),
      (e: Error) => e instanceof ConfigError && e.problems.length === 1 && e.problems[0]!.variable === 'TEAMS_APP_ID' && /required to build the Teams app package/.test(e.message),
    );
    assert.deepEqual(loadManifestSettings({ TEAMS_APP_ID: settings.teamsAppId }, { MicrosoftAppId: settings.botId, PUBLIC_BASE_URL: 'https://resolve.northmoor.example/' }), settings);
  });

  it('a template placeholder without a value is refused, naming it', () => {
    assert.throws(() => fillTemplate('{"id":"${{TEAMS_APP_ID}}","x":"${{NOPE}}"}', { TEAMS_APP_ID: 'a' }), (e: Error) => e instanceof InvalidInputError && e.message.includes('${{NOPE}}'));
  });

  it('appPackage.zip holds exactly manifest.json, color.png and outline.png', async () => {
    const { zip } = await buildAppPackage(options);
    const archive = await JSZip.loadAsync(zip);
    assert.deepEqual(Object.keys(archive.files).sort(), ['color.png', 'manifest.json', 'outline.png']);
    const manifest = JSON.parse(await archive.file('manifest.json')!.async('string')) as { id: string };
    assert.equal(manifest.id, settings.teamsAppId);
    assert.equal(readPngHeader(await archive.file('color.png')!.async('uint8array')).width, 192);
  });

  it('the icons are PNGs of the right sizes: color 192x192, outline 32x32', () => {
    const color = readPngHeader(readFileSync(path.join(manifestDir, 'color.png')));
    const outline = readPngHeader(readFileSync(path.join(manifestDir, 'outline.png')));
    assert.deepEqual([color.width, color.height, outline.width, outline.height], [192, 192, 32, 32]);
  });

  it('the outline icon is white on transparent, and the colour icon is opaque', () => {
    const { rgba } = readPngPixels(readFileSync(path.join(manifestDir, 'outline.png')));
    let drawn = 0;
    for (let i = 0; i < rgba.length; i += 4) {
      if (rgba[i + 3]! > 0) {
        drawn++;
        assert.deepEqual([rgba[i], rgba[i + 1], rgba[i + 2]], [255, 255, 255]);
      }
    }
    assert.equal(rgba[3], 0, 'the corner is transparent');
    assert.ok(drawn > 100 && drawn < 32 * 32, 'something is drawn, not everything');
    const color = readPngPixels(readFileSync(path.join(manifestDir, 'color.png'))).rgba;
    assert.ok(color.every((v, i) => i % 4 !== 3 || v === 255));
  });

  it('the committed icons are exactly what manifest/icons.ts draws', () => {
    assert.ok(readFileSync(path.join(manifestDir, 'color.png')).equals(drawColorIcon()));
    assert.ok(readFileSync(path.join(manifestDir, 'outline.png')).equals(drawOutlineIcon()));
  });

  it('an icon of the wrong size stops the packaging', async () => {
    const iconsDir = mkdtempSync(path.join(tmpdir(), 'resolve-icons-'));
    writeFileSync(path.join(iconsDir, 'color.png'), encodePng(32, 32, new Uint8Array(32 * 32 * 4)));
    writeFileSync(path.join(iconsDir, 'outline.png'), drawOutlineIcon());
    await assert.rejects(buildAppPackage({ ...options, iconsDir }), /color\.png is 32x32; Teams needs 192x192/);
  });
});
