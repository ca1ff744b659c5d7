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

describe('bot/commands: the trainer\'s clock (local mode)', () => {
  it('"clock" shows it; "clock forward N working days | days | hours" moves it; anything else about the clock is unclear', () => {
    assert.deepEqual(parseChatCommand('clock'), { kind: 'clock' });
    assert.deepEqual(parseChatCommand('Clock forward 3 working days.'), { kind: 'clock', move: { amount: 3, unit: 'working-days' } });
    assert.deepEqual(parseChatCommand('clock forward 1 day'), { kind: 'clock', move: { amount: 1, unit: 'days' } });
    assert.deepEqual(parseChatCommand('clock + 4 hours'), { kind: 'clock', move: { amount: 4, unit: 'hours' } });
    assert.deepEqual(parseChatCommand('clock back 2 days'), { kind: 'clock-unclear' });
    assert.deepEqual(parseChatCommand('clock forward two days'), { kind: 'clock-unclear' });
    assert.deepEqual(parseChatCommand('clock forward 3 weeks'), { kind: 'clock-unclear' });
  });
});

describe('bot/commands: overdue', () => {
  it('reads "overdue" (or "late") as the list of what is late', () => {
    assert.deepEqual(parseChatCommand('Overdue'), { kind: 'overdue' });
    assert.deepEqual(parseChatCommand('late'), { kind: 'overdue' });
    assert.deepEqual(parseChatCommand('overdue cases please'), { kind: 'unknown' });
  });
});

describe('bot/commands: reviews', () => {
  it('reads "due", "reviews" and "book a review" as the reviews falling due (an administrator\'s words, not only ours)', () => {
    for (const text of ['due', 'Due', 'reviews', 'reviews due', 'Book a review', 'book review.']) assert.deepEqual(parseChatCommand(text), { kind: 'reviews-due' }, text);
    assert.deepEqual(parseChatCommand('due soon please'), { kind: 'unknown' });
  });

  it('reads "add review" and "register" as the register form', () => {
    for (const text of ['add review', 'Record review', 'add to the register', 'register']) assert.deepEqual(parseChatCommand(text), { kind: 'review-record' }, text);
  });
});
