import assert from 'node:assert/strict';
import { InvalidInputError } from '../../domain/errors.js';
import {
  MAX_TEXT_LENGTH, VERBS, VERB_DATA_SCHEMAS, parseActionData, raiseFormValuesFrom, requireActionData,
  type Verb,
} from '../../cards/index.js';

const key = { caseId: 'case_01HV8Z6K3M2Q', stageId: 'stage1', version: 4 };
const raise = {
  formId: 'form_5QK2', caseReference: 'LCS-204518', subjectInitials: 'J.T.', allocatedWorkerId: 'a41e6b77-9c3d-4a2b-b1f0-6d8e2c4f0a03', policyId: 'dudley-firo',
  alertTypeId: 'qop', entryStageId: 'stage1', category: 'Key documents not provided',
  issue: 'Care plan not updated since the move.', impact: 'Contact has stopped.', resolutionSought: 'An updated plan.',
  resolutionSoughtBy: '2026-03-13', severityFlags: 'serious_safeguarding,human_rights_breach', bypassReason: '',
  discussedWithLineManager: 'false', emergency: 'false',
};

/** A valid payload for every verb, as a card would send it (inputs as strings). */
const valid: Record<Verb, Record<string, unknown>> = {
  raiseOpen: {},
  raiseUpdate: { formId: 'form_5QK2', policyId: 'somerset-fro' },
  raiseSubmit: raise,
  respondAccept: key,
  respondPropose: { ...key, proposal: 'Update the plan by next Friday instead.' },
  respondDecline: { ...key, declineReason: 'The plan was updated on the case system.' },
  agreeAction: { ...key, actionOwnerId: 'a41e6b77-9c3d-4a2b-b1f0-6d8e2c4f0a03', actionDue: '2026-03-12', actionText: 'Update the care plan' },
  completeAction: { ...key, actionId: 'act_1' },
  escalate: key,
  bypass: { ...key, bypassStageId: 'stage3', bypassReason: 'Immediate risk; stage 2 manager is the subject.', discussedWithLineManager: 'true', emergency: 'false' },
  resolve: { ...key, outcome: 'Plan updated and contact restored.', learningPoints: '' },
  referCafcass: { ...key, cafcassReason: 'Human rights breach not remedied at Stage 5.' },
  withdraw: { ...key, withdrawReason: 'Raised on the wrong case.' },
  acceptProposal: key,
  rejectProposal: { ...key, rejectReason: 'A later date leaves the child without contact for a month.' },
  refresh: key,
  openCase: key,
  myCases: {},
  reviewTaskDone: { reference: 'LCS-204518', kind: 'looked-after', taskId: 'OX-R09a:booking-1' },
  briefingForm: { ...key, forStageId: 'level4' },
  briefingSave: { ...key, forStageId: 'level4', move: 'escalate', bf_dateOfBriefing: '2026-03-12', bf_interventions: 'Two visits, one assessment.' },
  briefingComplete: { ...key, forStageId: 'level4', move: 'escalate', moveReason: 'No response at Level 3.', moveSoughtBy: '2026-03-20', discussedWithLineManager: 'false', emergency: 'false' },
  briefingOpen: { ...key, forStageId: 'level4' },
  briefingHide: { ...key, forStageId: 'level4' },
  briefingExport: { ...key, forStageId: 'level4' },
};

function refused(verb: unknown, data: unknown) {
  const result = parseActionData(verb, data);
  assert.equal(result.ok, false, `expected ${String(verb)} to be refused`);
  return result as Extract<typeof result, { ok: false }>;
}

describe('cards/verbs: the data each Action.Execute verb carries is checked as untrusted input', () => {
  it('every verb in VERBS has a schema, and each verb string is its own name', () => {
    assert.deepEqual(Object.keys(VERB_DATA_SCHEMAS).sort(), Object.values(VERBS).sort());
    for (const [name, verb] of Object.entries(VERBS)) assert.equal(name, verb);
  });

  for (const verb of Object.values(VERBS)) {
    it(`${verb}: a well-formed payload parses`, () => {
      const result = parseActionData(verb, valid[verb]);
      assert.ok(result.ok, result.ok ? '' : result.message);
      assert.equal(result.action.verb, verb);
    });
  }

  it('every case action carries caseId, stageId and version so a stale card is recognised', () => {
    const caseVerbs = Object.values(VERBS).filter((v) => !['raiseOpen', 'raiseUpdate', 'raiseSubmit', 'myCases', 'reviewTaskDone'].includes(v));
    for (const verb of caseVerbs) {
      for (const field of ['caseId', 'stageId', 'version'] as const) {
        const { [field]: _dropped, ...rest } = valid[verb];
        const result = refused(verb, rest);
        assert.match(result.fieldErrors[field] ?? '', new RegExp(`^${field} is missing`), `${verb} without ${field}`);
      }
    }
  });

  it('a forged payload gets a message that says the card is damaged and how to carry on', () => {
    const result = refused('respondAccept', { ...key, caseId: { $ne: null } });
    assert.equal(result.fieldErrors.caseId, 'caseId must be text, not object: the card is damaged or was not sent by Resolve; open the case again by typing "case" and its reference');
  });

  it('a version that is not a whole number (text, negative, fractional) is refused', () => {
    for (const version of ['4', -1, 1.5, null]) {
      assert.match(refused('escalate', { ...key, version }).fieldErrors.version ?? '', /version must be a whole number of at least 0/);
    }
  });

  it('an id with spaces, control characters or over 128 characters is refused', () => {
    for (const caseId of ['case 1', 'case\u00001', 'c'.repeat(129)]) {
      assert.ok(refused('refresh', { ...key, caseId }).fieldErrors.caseId, JSON.stringify(caseId));
    }
  });

  it('an unknown verb, or data that is not an object, is refused with a reason', () => {
    assert.match(refused('deleteCase', key).message, /Unknown action "deleteCase"/);
    assert.match(refused(undefined, key).message, /Unknown action/);
    for (const data of [null, 'caseId=1', [key], 42]) {
      assert.match(refused('escalate', data).message, /The card data is not an object/);
    }
  });

  it('keys the schema does not know (a forged actor, say) are dropped, never passed on', () => {
    const result = parseActionData('respondAccept', { ...key, actorId: 'someone-else', __proto__: { admin: true } });
    assert.ok(result.ok);
    assert.deepEqual(result.action.data, key);
  });

  it('a reason over 2,000 characters is refused with a message that gives the limit', () => {
    const result = refused('respondDecline', { ...key, declineReason: 'x'.repeat(MAX_TEXT_LENGTH + 346) });
    assert.equal(result.fieldErrors.declineReason,
      'Reason for declining is too long: 2,346 characters, and the limit is 2,000. Shorten it and send again.');
  });

  it('a reason of exactly 2,000 characters is accepted', () => {
    assert.ok(parseActionData('withdraw', { ...key, withdrawReason: 'x'.repeat(MAX_TEXT_LENGTH) }).ok);
  });

  it('Decline needs a reason: missing, empty or blank is refused and says what to write', () => {
    for (const declineReason of [undefined, '', '   \n ']) {
      assert.equal(refused('respondDecline', { ...key, declineReason }).fieldErrors.declineReason,
        'Reason for declining is required: say why you are declining');
    }
  });

  it('free text is trimmed; optional text left empty comes back undefined', () => {
    const result = parseActionData('resolve', { ...key, outcome: '  Plan updated.  ', learningPoints: '' });
    assert.ok(result.ok && result.action.verb === 'resolve');
    assert.equal(result.action.data.outcome, 'Plan updated.');
    assert.equal(result.action.data.learningPoints, undefined);
  });

  it('an agreed action needs an owner, a real due date and the words', () => {
    const result = refused('agreeAction', { ...key, actionOwnerId: '', actionDue: '2026-02-30', actionText: ' ' });
    assert.deepEqual(result.fieldErrors, {
      actionOwnerId: 'Action owner is required: pick one from the list',
      actionDue: 'Action due date "2026-02-30" is not a date: February 2026 has 28 days',
      actionText: 'The action is required: say what will be done',
    });
  });

  it('toggles arrive as "true"/"false" and become booleans; anything else is refused', () => {
    const ok = parseActionData('bypass', valid.bypass);
    assert.ok(ok.ok && ok.action.verb === 'bypass');
    assert.equal(ok.action.data.discussedWithLineManager, true);
    assert.equal(ok.action.data.emergency, false);
    assert.match(refused('bypass', { ...valid.bypass, emergency: 'yes' }).fieldErrors.emergency ?? '', /must be "true" or "false"/);
  });

  it('escalate from a one-click chaser carries no reason and still parses; a reason, when given, is bounded', () => {
    const result = parseActionData('escalate', key);
    assert.ok(result.ok && result.action.verb === 'escalate');
    assert.equal(result.action.data.escalateReason, undefined);
    assert.match(refused('escalate', { ...key, escalateReason: 'x'.repeat(2001) }).fieldErrors.escalateReason ?? '', /limit is 2,000/);
  });

  it('requireActionData throws InvalidInputError naming the first faulty field', () => {
    assert.throws(() => requireActionData('respondPropose', { ...key, proposal: '' }),
      (e: unknown) => e instanceof InvalidInputError && e.field === 'proposal' && /Your proposal is required/.test(e.message));
    assert.equal(requireActionData('escalate', key).verb, 'escalate');
  });
});

describe('cards/verbs: the raise form payload', () => {
  it('parses into typed values: flags as a list, toggles as booleans, the date checked', () => {
    const result = parseActionData('raiseSubmit', raise);
    assert.ok(result.ok && result.action.verb === 'raiseSubmit');
    assert.deepEqual(result.action.data.severityFlags, ['serious_safeguarding', 'human_rights_breach']);
    assert.equal(result.action.data.resolutionSoughtBy, '2026-03-13');
    assert.equal(result.action.data.bypassReason, undefined);
    assert.equal(result.action.data.emergency, false);
    assert.equal(result.action.data.allocatedWorkerId, 'a41e6b77-9c3d-4a2b-b1f0-6d8e2c4f0a03');
  });

  it('an allocated worker that is not an id (a typed name, an object) is refused on its own field', () => {
    assert.match(refused('raiseSubmit', { ...raise, allocatedWorkerId: 'Grace Mbeki' }).fieldErrors.allocatedWorkerId ?? '', /not one of the people offered/);
    assert.match(refused('raiseSubmit', { ...raise, allocatedWorkerId: { id: 'x' } }).fieldErrors.allocatedWorkerId ?? '', /must be text/);
  });

  it('a case reference must be a case-system id with a digit, so a child\'s name is refused', () => {
    for (const caseReference of ['Jayden Thornbury', 'Jayden', 'LCS 204518']) {
      assert.match(refused('raiseSubmit', { ...raise, caseReference }).fieldErrors.caseReference ?? '', /never a name/, caseReference);
    }
  });

  it('initials must be initials, not a full name', () => {
    for (const subjectInitials of ['J.T.', 'JT', 'j.t', 'AMK.']) {
      assert.ok(parseActionData('raiseSubmit', { ...raise, subjectInitials }).ok, subjectInitials);
    }
    for (const subjectInitials of ['Jayden Thornbury', 'Jayden', '12', 'J T']) {
      assert.match(refused('raiseSubmit', { ...raise, subjectInitials }).fieldErrors.subjectInitials ?? '', /Initials only/, subjectInitials);
    }
  });

  it('every missing required field is reported at once, each under its own input id', () => {
    const result = refused('raiseSubmit', { formId: 'form_5QK2' });
    assert.deepEqual(Object.keys(result.fieldErrors).sort(), [
      'alertTypeId', 'allocatedWorkerId', 'caseReference', 'impact', 'issue', 'policyId', 'resolutionSought', 'subjectInitials',
    ]);
    assert.match(result.fieldErrors.allocatedWorkerId ?? '', /Allocated social worker is required: pick the child's allocated social worker, or the foster carer's supervising social worker/);
  });

  it('a type or severity flag that is not an offered id (an object, a sentence) is refused', () => {
    const result = refused('raiseSubmit', { ...raise, alertTypeId: { id: 'qop' }, severityFlags: 'serious_safeguarding,a flag with spaces' });
    assert.match(result.fieldErrors.alertTypeId ?? '', /Type must be text/);
    assert.equal(result.fieldErrors.severityFlags, 'Severity flags must be a comma-separated list of the flags offered');
  });

  it('an empty entry stage means the type\'s usual stage; a chosen one is passed on', () => {
    const empty = parseActionData('raiseSubmit', { ...raise, entryStageId: '' });
    assert.ok(empty.ok && empty.action.verb === 'raiseSubmit');
    assert.equal(empty.action.data.entryStageId, undefined);
    const chosen = parseActionData('raiseSubmit', raise);
    assert.ok(chosen.ok && chosen.action.verb === 'raiseSubmit');
    assert.equal(chosen.action.data.entryStageId, 'stage1');
    assert.match(refused('raiseSubmit', { ...raise, entryStageId: 'stage 1' }).fieldErrors.entryStageId ?? '', /not one of the choices/);
  });

  it('initials are stored upper-case, as the domain expects them', () => {
    const result = parseActionData('raiseSubmit', { ...raise, subjectInitials: 'j.t.' });
    assert.ok(result.ok && result.action.verb === 'raiseSubmit');
    assert.equal(result.action.data.subjectInitials, 'J.T.');
  });

  it('raiseFormValuesFrom keeps what the officer typed, even when wrong, so the form returns with nothing lost', () => {
    const typed = { ...raise, caseReference: 'Jayden', issue: 'x'.repeat(2500), resolutionSoughtBy: '2026-02-30', discussedWithLineManager: 'true', severityFlags: 'human_rights_breach', alertTypeId: { id: 'qop' }, policyId: 42 };
    const values = raiseFormValuesFrom(typed);
    assert.equal(values.caseReference, 'Jayden');
    assert.equal(values.issue?.length, 2500);
    assert.equal(values.resolutionSoughtBy, '2026-02-30');
    assert.equal(values.discussedWithLineManager, true);
    assert.deepEqual(values.severityFlags, ['human_rights_breach']);
    assert.equal(values.alertTypeId, undefined);
    assert.equal(values.policyId, undefined);
    assert.deepEqual(raiseFormValuesFrom('not an object'), {});
  });
});
