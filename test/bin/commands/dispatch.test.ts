import assert from 'node:assert/strict';
import { runCli } from '../../../bin/commands/dispatch.js';
import { UsageError, type CliIO, type Command } from '../../../bin/commands/command.js';
import { InvalidInputError } from '../../../domain/errors.js';
import { commands } from '../../../bin/commands/index.js';
import { resolve } from './run-cli.js';

function capture(): CliIO & { outs: string[]; errs: string[] } {
  const outs: string[] = [];
  const errs: string[] = [];
  return { outs, errs, out: (s) => outs.push(s), err: (s) => errs.push(s) };
}

const throwing = (error: unknown): Command => ({
  name: 'boom', summary: 'throws', usage: 'resolve boom',
  run: () => Promise.reject(error),
});

describe('bin/commands: the resolve dispatcher', () => {
  it('"resolve help" and "resolve --help" list every registered command and exit 0', async () => {
    for (const flag of ['help', '--help', '-h']) {
      const run = await resolve(flag);
      assert.equal(run.code, 0);
      for (const name of ['add-working-days', 'working-days-between', 'next-review', 'timeline']) {
        assert.match(run.out, new RegExp(`^  ${name}\\s`, 'm'));
      }
    }
  });

  it('every registered command has a unique name, a summary and a usage', () => {
    const names = commands.map((c) => c.name);
    assert.equal(new Set(names).size, names.length, `duplicate command names in ${names.join(', ')}`);
    for (const c of commands) {
      assert.match(c.name, /^[a-z][a-z-]*$/);
      assert.ok(c.summary.trim() && c.usage.includes(c.name), `${c.name} needs a summary and a usage naming it`);
    }
  });

  it('"resolve help <command>" and "<command> --help" print that command\'s usage', async () => {
    const a = await resolve('help', 'timeline');
    const b = await resolve('timeline', '--help');
    assert.equal(a.code, 0);
    assert.match(a.out, /usage: resolve timeline --review-date/);
    assert.equal(b.out, a.out);
  });

  it('no command at all prints the list on stderr and exits 2', async () => {
    const run = await resolve();
    assert.equal(run.code, 2);
    assert.equal(run.out, '');
    assert.match(run.err, /commands:/);
  });

  it('an unknown command exits 2, names it and lists the commands', async () => {
    const run = await resolve('next-revue');
    assert.equal(run.code, 2);
    assert.match(run.err, /unknown command "next-revue"/);
    assert.match(run.err, /next-review/);
  });

  it('an unknown option exits 2 with the parse message and the usage', async () => {
    const run = await resolve('add-working-days', '2025-12-18', '5', '--backwards');
    assert.equal(run.code, 2);
    assert.match(run.err, /--backwards/);
    assert.match(run.err, /usage: resolve add-working-days/);
  });

  it('a UsageError exits 2 with the usage; an InvalidInputError exits 2 with its message alone', async () => {
    const usage = capture();
    assert.equal(await runCli(['boom'], usage, [throwing(new UsageError('missing --x'))]), 2);
    assert.match(usage.errs.join(''), /resolve boom: missing --x\n\nusage: resolve boom/);
    const invalid = capture();
    assert.equal(await runCli(['boom'], invalid, [throwing(new InvalidInputError('date "x" is not a date', 'date'))]), 2);
    assert.equal(invalid.errs.join(''), 'resolve boom: date "x" is not a date');
  });

  it('any other failure exits 1 with its message', async () => {
    const io = capture();
    assert.equal(await runCli(['boom'], io, [throwing(new Error('disk full'))]), 1);
    assert.equal(io.errs.join(''), 'resolve boom: disk full');
  });
});
