import { parseArgs } from 'node:util';
import { verifyChain } from '../../store/events.js';
import { writeJson } from './args.js';
import { EXIT_FAILURE, EXIT_OK, UsageError, type Command } from './command.js';
import { openConfiguredDatabase, withDatabase, type OpenDb } from './store-access.js';

const USAGE = 'resolve audit verify [--json]';

/**
 * `resolve audit verify`: recomputes the hash chain over every event. Exits 0 and prints the head
 * hash when intact; exits 1 naming the first bad sequence number when a row was altered or removed.
 */
export function createAuditCommand(open: OpenDb): Command {
  return {
    name: 'audit',
    summary: 'check the tamper-evident audit trail: every event, its hash and its place in the sequence',
    usage: USAGE,
    async run(args, io) {
      const { values, positionals } = parseArgs({ args, allowPositionals: true, strict: true, options: { json: { type: 'boolean', default: false } } });
      if (positionals.length !== 1 || positionals[0] !== 'verify') {
        throw new UsageError(positionals.length === 0 ? 'say what to do: verify' : `"${positionals.join(' ')}" is not an audit action; the only one is verify`);
      }
      const result = await withDatabase(open, (db) => verifyChain(db));
      if (values.json) writeJson(io, result);
      else if (result.ok) io.out(`audit trail intact: ${result.count} events, head ${result.head}`);
      else io.err(`audit trail broken at sequence ${result.firstBadSeq}: ${result.reason} (${result.count} events before it verified)`);
      return result.ok ? EXIT_OK : EXIT_FAILURE;
    },
  };
}

export const auditCommand = createAuditCommand(openConfiguredDatabase);
