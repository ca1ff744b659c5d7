/**
 * `npm run package`: fills the manifest template's ids from the configuration (or from
 * --teams-app-id, --bot-id, --public-base-url, --name), validates it OFFLINE against the schema
 * bundled in @microsoft/app-manifest, checks the icon sizes, and writes appPackage.zip
 * (manifest.json, color.png, outline.png).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { AppManifestUtils } from '@microsoft/app-manifest';
import JSZip from 'jszip';
import { ConfigError, loadManifestSettings, type ManifestSettings } from '../bin/config.js';
import { InvalidInputError } from '../domain/errors.js';
import { readPngHeader } from './png.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const TEMPLATE_PATH = path.join(HERE, 'manifest.template.json');
export const ICONS = { color: { file: 'color.png', size: 192 }, outline: { file: 'outline.png', size: 32 } } as const;
const PLACEHOLDER = /\$\{\{([A-Za-z0-9_]+)\}\}/g;

export interface PackageOptions {
  readonly settings: ManifestSettings;
  /** The app version (semver); defaults to package.json's. */
  readonly version: string;
  readonly developerName?: string;
  readonly templatePath?: string;
  readonly iconsDir?: string;
}

export function manifestValues(options: PackageOptions): Record<string, string> {
  const { settings } = options;
  return {
    TEAMS_APP_ID: settings.teamsAppId,
    BOT_ID: settings.botId,
    BOT_DOMAIN: new URL(settings.publicBaseUrl).host,
    PUBLIC_BASE_URL: settings.publicBaseUrl,
    BOT_DISPLAY_NAME: settings.botDisplayName,
    DEVELOPER_NAME: options.developerName ?? settings.botDisplayName,
    APP_VERSION: options.version,
  };
}

/** Replaces every `${{NAME}}`; refuses a template that names a value nobody gave. */
export function fillTemplate(template: string, values: Readonly<Record<string, string>>): string {
  const missing = new Set<string>();
  const filled = template.replace(PLACEHOLDER, (whole, name: string) => {
    const value = values[name];
    if (value === undefined) {
      missing.add(name);
      return whole;
    }
    return JSON.stringify(value).slice(1, -1);
  });
  if (missing.size > 0) throw new InvalidInputError(`The manifest template uses ${[...missing].map((m) => '${{' + m + '}}').join(', ')}, which has no value: add it to manifestValues in manifest/package.ts`, 'manifest');
  return filled;
}

/** The Teams schema bundled with @microsoft/app-manifest for this manifest version (no network). */
export async function bundledSchema(manifestVersion: string): Promise<object> {
  const packageDir = path.dirname(createRequire(import.meta.url).resolve('@microsoft/app-manifest'));
  const file = path.join(packageDir, 'json-schemas', 'teams', `v${manifestVersion}`, 'MicrosoftTeams.schema.json');
  try {
    return JSON.parse(await readFile(file, 'utf8')) as object;
  } catch {
    throw new InvalidInputError(`@microsoft/app-manifest bundles no schema for manifest version ${manifestVersion} (looked for ${file})`, 'manifestVersion');
  }
}

/** Schema faults of a manifest, checked offline; empty when it is valid. */
export async function validateManifest(manifest: { readonly [key: string]: unknown; manifestVersion?: unknown }): Promise<string[]> {
  if (typeof manifest.manifestVersion !== 'string') return ['/manifestVersion is missing'];
  const schema = await bundledSchema(manifest.manifestVersion);
  return AppManifestUtils.validateAgainstSchema(manifest as never, schema as never);
}

export async function buildAppPackage(options: PackageOptions): Promise<{ manifest: Record<string, unknown>; zip: Buffer }> {
  const template = await readFile(options.templatePath ?? TEMPLATE_PATH, 'utf8');
  const manifest = JSON.parse(fillTemplate(template, manifestValues(options))) as Record<string, unknown>;
  const faults = await validateManifest(manifest);
  if (faults.length > 0) throw new InvalidInputError(`The Teams manifest does not match its schema:\n${faults.map((f) => `  - ${f}`).join('\n')}`, 'manifest');

  const zip = new JSZip();
  zip.file('manifest.json', JSON.stringify(manifest, null, 2));
  for (const icon of Object.values(ICONS)) {
    const bytes = await readFile(path.join(options.iconsDir ?? HERE, icon.file));
    const { width, height } = readPngHeader(bytes);
    if (width !== icon.size || height !== icon.size) throw new InvalidInputError(`${icon.file} is ${width}x${height}; Teams needs ${icon.size}x${icon.size} (run node --import tsx manifest/icons.ts)`, icon.file);
    zip.file(icon.file, bytes);
  }
  return { manifest, zip: await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }) };
}

async function main(argv: string[]): Promise<number> {
  const { values: args } = parseArgs({
    args: argv,
    options: {
      out: { type: 'string', default: 'appPackage.zip' },
      'teams-app-id': { type: 'string' },
      'bot-id': { type: 'string' },
      'public-base-url': { type: 'string' },
      name: { type: 'string' },
      developer: { type: 'string' },
    },
  });
  try {
    const settings = loadManifestSettings({
      ...(args['teams-app-id'] !== undefined && { TEAMS_APP_ID: args['teams-app-id'] }),
      ...(args['bot-id'] !== undefined && { MicrosoftAppId: args['bot-id'] }),
      ...(args['public-base-url'] !== undefined && { PUBLIC_BASE_URL: args['public-base-url'] }),
      ...(args.name !== undefined && { BOT_DISPLAY_NAME: args.name }),
    });
    const { version } = JSON.parse(await readFile(path.join(HERE, '..', 'package.json'), 'utf8')) as { version: string };
    const { zip } = await buildAppPackage({ settings, version, ...(args.developer !== undefined && { developerName: args.developer }) });
    await writeFile(args.out, zip);
    console.log(`wrote ${args.out} (manifest.json, color.png, outline.png); the manifest is valid against the bundled schema`);
    return 0;
  } catch (e) {
    if (e instanceof ConfigError || e instanceof InvalidInputError) {
      console.error(e.message);
      return 2;
    }
    throw e;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
