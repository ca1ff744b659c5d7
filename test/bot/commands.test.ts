import assert from 'node:assert/strict';
import { parseChatCommand } from '../../bot/commands.js';

describe('bot/commands: parseChatCommand', () => {
  it('reads help, raise and my cases whatever the case and spacing', () => {
    assert.deepEqual(parseChatCommand('  HELP '), { kind: 'help' });
    assert.deepEqual(parseChatCommand('Raise'), { kind: 'raise' });
    assert.deepEqual(parseChatCommand('my   Cases'), { kind: 'my-cases' });
    assert.deepEqual(parseChatCommand('help!'), { kind: 'help' });
  });

  it('reads case <reference> and upper-cases the opaque reference', () => {
    assert.deepEqual(parseChatCommand('case res-2026-0042'), { kind: 'case', reference: 'RES-2026-0042' });
  });

  it('tells a case command without a reference apart from an unknown command', () => {
    assert.deepEqual(parseChatCommand('case'), { kind: 'case-without-reference' });
    assert.deepEqual(parseChatCommand('case <script>'), { kind: 'unknown' });
    assert.deepEqual(parseChatCommand('case RES-1 please'), { kind: 'unknown' });
  });

  it('treats anything else, including empty text, as unknown', () => {
    assert.deepEqual(parseChatCommand(undefined), { kind: 'unknown' });
    assert.deepEqual(parseChatCommand(''), { kind: 'unknown' });
    assert.deepEqual(parseChatCommand('raise an alert about J.T.'), { kind: 'unknown' });
  });
});
