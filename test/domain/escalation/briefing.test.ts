/**
 * The Director briefing note in the domain (DOMAIN §3.2, §8.6, AMB-20, AMB-21, §6.3 RED-07): which
 * stages need one, its template, drafts kept part-way, completion only with every required field,
 * a stage that needs one entered only once it is complete, and who it goes to. Fictional people.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  briefingFields, briefingRequiredAt, caseNoteText, decide, fold, summarise,
  type CaseEvent, type CaseState,
} from '../../../domain/escalation/index.js';
import { notificationsFor } from '../../../domain/escalation/notifications.js';
import {
  BRIEFING_TEMPLATE, BRIEFING_TEMPLATE_TITLE, getPolicy, parsePolicy, policyIds, validatePolicy, type Policy, type PolicyInput,
} from '../../../domain/policies/index.js';
import { somerset as somersetInput } from '../../../domain/policies/authorities/somerset.js';
import { FICTIONAL_CHILD, completeBriefingAnswers } from './briefing-answers.js';
import { Scenario, calendar, people, raiseStep, type Step } from './harness.js';

const RAISED = '2026-03-02T10:00:00Z'; // Monday
const LATER = '2026-03-04T11:00:00Z';
const SEND_TO = [people.director, people.dd];
const LEVEL4_PEOPLE = { to: [people.director], cc: [people.tm, people.om, people.hos, people.dd] };

/** A Somerset dispute at Level 3 (To the Deputy Director). */
function atLevel3(policy: Policy = getPolicy('somerset')): Scenario {
  const s = new Scenario(policy);
  s.do(raiseStep({ policyId: 'somerset', alertTypeId: 'dispute', entryStageId: 'level3', to: [people.dd], cc: [people.tm, people.hos] }), RAISED);
  return s;
}

const escalateToLevel4: Step = { type: 'escalate', actor: people.officer, stageId: 'level3', reason: 'No response from the Deputy Director.', resolutionSoughtBy: '2026-03-13', ...LEVEL4_PEOPLE };
const complete = (answers = completeBriefingAnswers(), extra: Partial<Extract<Step, { type: 'complete-briefing' }>> = {}): Step => ({
  type: 'complete-briefing', actor: people.officer, stageId: 'level3', forStageId: 'level4', answers, sendTo: SEND_TO, ...extra,
});

function notificationsOf(s: Scenario, step: Step, at: string) {
  const before = s.state;
  const events = s.do(step, at);
  return notificationsFor({ before, after: s.state, events });
}

describe('domain/escalation: the Director briefing note (DOMAIN §3.2, §8.6, AMB-20)', () => {
  describe('§3.2: the template, every field in order, labels and guidance verbatim', () => {
    it('is headed "Case Briefing for Deputy Director/DCS" and has the 14 fields of the template (Family Composition as Parents, Siblings, Extended Family)', () => {
      assert.equal(BRIEFING_TEMPLATE_TITLE, 'Case Briefing for Deputy Director/DCS');
      assert.deepEqual(BRIEFING_TEMPLATE.map((f) => (f.group === undefined ? f.label : `${f.group}: ${f.label}`)), [
        'Date of Briefing',
        'Author, Designation & Team Service',
        'Child’s name',
        'LCS Number',
        'Child’s date of birth',
        'Legal Status & Date of any orders',
        'Family Composition: Parents',
        'Family Composition: Siblings',
        'Family Composition: Extended Family',
        'Family Address',
        'Other Agencies Involved',
        'Date Opened to CSC',
        'Incident leading to Briefing',
        'Background Information',
        'Interventions',
        'Current Plan of Intervention proposed and Outcomes Sought',
      ]);
      const guidance = Object.fromEntries(BRIEFING_TEMPLATE.filter((f) => f.guidance !== undefined).map((f) => [f.label, f.guidance]));
      assert.deepEqual(guidance, {
        'Incident leading to Briefing': '(Please outline the reasons for undertaking this briefing and events leading to this)',
        'Background Information': '(please outline background on family)',
        Interventions: '(please outline previous contacts, assessments, interventions and outcomes of work undertaken)',
      });
      assert.deepEqual(BRIEFING_TEMPLATE.filter((f) => f.kind === 'date').map((f) => f.label), ['Date of Briefing', 'Child’s date of birth', 'Date Opened to CSC']);
    });

    it('AMB-21: a ladder file adds fields after the template; ids stay unique', () => {
      const extended = validatePolicy({ ...somersetInput, briefing: { fields: [{ id: 'decision_requested', label: 'Decision requested of the Director', required: true }] } });
      assert.deepEqual(briefingFields(extended).map((f) => f.id).slice(-2), ['currentPlan', 'decision_requested']);
      assert.throws(
        () => validatePolicy({ ...somersetInput, briefing: { fields: [{ id: 'author', label: 'Author again' }] } }),
        (e: Error) => /briefing\.fields\[0\]\.id: "author" is already the id of a briefing field/.test(e.message),
      );
      assert.throws(
        () => validatePolicy({ ...somersetInput, briefing: { fields: Array.from({ length: 5 }, (_, i) => ({ id: `extra_${i}`, label: `Extra ${i}` })) } }),
        /adds at most 4 fields/,
      );
    });
  });

  describe('AMB-20: which stages need the note', () => {
    it('Somerset Level 4 by default, and no other stage; Level 3 too when the ladder says so', () => {
      const somerset = getPolicy('somerset');
      assert.deepEqual(somerset.stages.filter((st) => briefingRequiredAt(somerset, st)).map((st) => st.id), ['level4']);
      const withLevel3 = validatePolicy({
        ...somersetInput, stages: somersetInput.stages.map((st) => (st.id === 'level3' ? { ...st, directorBriefingRequired: true } : st)),
      });
      assert.deepEqual(withLevel3.stages.filter((st) => briefingRequiredAt(withLevel3, st)).map((st) => st.id), ['level3', 'level4']);
    });

    it('"the Director stage of any ladder": briefing.atDirectorStages asks for it wherever a stage goes To the Director; off by default', () => {
      for (const id of policyIds().filter((p) => p !== 'somerset')) {
        const policy = getPolicy(id);
        assert.deepEqual(policy.stages.filter((st) => briefingRequiredAt(policy, st)), [], `${id}: no briefing by default`);
      }
      const text = JSON.stringify({ ...getPolicy('oxfordshire'), briefing: { atDirectorStages: true } });
      const oxford = parsePolicy(text, 'json');
      const director = oxford.stages.filter((st) => st.to.includes('director')).map((st) => st.id);
      assert.ok(director.length > 0);
      assert.deepEqual(oxford.stages.filter((st) => briefingRequiredAt(oxford, st)).map((st) => st.id), director);
      assert.deepEqual(oxford.briefing.sendTo, ['director', 'deputy_director']);
    });
  });

  describe('AMB-20: a stage that needs the note cannot be entered until it is complete', () => {
    it('escalating to Somerset Level 4 without it is refused as briefing-required, saying to complete the briefing', () => {
      const s = atLevel3();
      const refusal = s.refused(escalateToLevel4, LATER);
      assert.equal(refusal.code, 'briefing-required');
      assert.match(refusal.message, /Formal Dispute \(Stage 3\): Level 4 needs the Director's briefing note/);
      assert.match(refusal.message, /complete the briefing/);
    });

    it('bypassing to Level 4 without it is refused the same way', () => {
      const s = new Scenario(getPolicy('somerset'));
      s.do(raiseStep({ policyId: 'somerset', alertTypeId: 'formal', to: [people.ps, people.tm] }), RAISED);
      const refusal = s.refused({ type: 'bypass', actor: people.officer, stageId: 'formal', targetStageId: 'level4', reason: 'Serious.', resolutionSoughtBy: '2026-03-13', ...LEVEL4_PEOPLE }, LATER);
      assert.equal(refusal.code, 'briefing-required');
    });

    it('a draft is not enough: only a complete note lets the case in', () => {
      const s = atLevel3();
      s.do({ type: 'save-briefing-draft', actor: people.officer, stageId: 'level3', forStageId: 'level4', answers: { childName: FICTIONAL_CHILD.name } }, LATER);
      assert.equal(s.refused(escalateToLevel4, LATER).code, 'briefing-required');
    });

    it('with the note complete, the escalation goes through: the stage records the requirement, and the note is sent as the case enters it', () => {
      const s = atLevel3();
      s.do(complete(), LATER);
      const notified = notificationsOf(s, escalateToLevel4, LATER);
      assert.equal(s.state.stage.stageId, 'level4');
      assert.equal(s.state.stage.directorBriefingRequired, true);
      assert.equal(s.state.briefings.level4?.sentAt, '2026-03-04T11:00:00.000Z');
      // §8.6: the Director and the Deputy Director each get the note's card, Teams only (never an email of it).
      assert.deepEqual(notified.filter((n) => n.purpose === 'briefing').map((n) => [n.recipient, n.emailToo]).sort(), [[people.director, false], [people.dd, false]].sort());
    });

    it('a ladder escalating automatically when a response is overdue never enters a briefing stage on its own: the officer is prompted instead', () => {
      const auto = validatePolicy({ ...somersetInput, chasing: { whenOverdue: 'escalate-automatically' } });
      const s = atLevel3(auto);
      const due = s.state.stage.responseDueAt!;
      const events = s.do({ type: 'deadline-reached', actor: 'system', key: 'response-due:level3', escalateTo: { ...LEVEL4_PEOPLE, actionConfirmers: [], managers: {}, limitWatchers: [] } }, new Date(Date.parse(due) + 60_000).toISOString());
      assert.deepEqual(events.map((e) => e.type), ['ResponseOverdue']);
      assert.equal(s.state.stage.stageId, 'level3');
    });

    it('law: on every shipped ladder with the note asked for at every Director stage, no escalate or bypass enters a stage that needs it without one', () => {
      const stepsArb = fc.array(fc.record({ bypass: fc.boolean(), pick: fc.nat(10) }), { minLength: 1, maxLength: 6 });
      for (const id of policyIds()) {
        const base = getPolicy(id);
        const policy = validatePolicy({ ...(JSON.parse(JSON.stringify(base)) as PolicyInput), briefing: { atDirectorStages: true } });
        const dispute = policy.alertTypes.find((t) => t.kind !== 'notification' && t.entryStage !== null)!;
        fc.assert(fc.property(stepsArb, (steps) => {
          const s = new Scenario(policy);
          s.do(raiseStep({ policyId: policy.id, alertTypeId: dispute.id, resolutionSoughtBy: '2026-03-04' }), RAISED);
          for (const step of steps) {
            const at = s.state.stage.stageId;
            const later = policy.stages.slice(policy.stages.findIndex((st) => st.id === at) + 1);
            const target = later[step.pick % Math.max(1, later.length)];
            if (target === undefined) break;
            const decision = s.try(step.bypass
              ? { type: 'bypass', actor: people.officer, stageId: at, targetStageId: target.id, reason: 'Serious.', lineManagerDiscussed: true, resolutionSoughtBy: '2026-03-04', to: [people.director] }
              : { type: 'escalate', actor: people.officer, stageId: at, reason: 'No response.', resolutionSoughtBy: '2026-03-04', to: [people.director] }, RAISED);
            if (decision.ok) {
              const entered = policy.stages.find((st) => st.id === (decision.events[0] as Extract<CaseEvent, { type: 'StageEscalated' }>).stage.stageId)!;
              assert.ok(!briefingRequiredAt(policy, entered), `${id}: entered ${entered.id} without a briefing note`);
              s.events.push(...decision.events);
            } else if (briefingRequiredAt(policy, step.bypass ? target : policy.stages[policy.stages.findIndex((st) => st.id === at) + 1]!)) {
              assert.ok(['briefing-required', 'not-a-later-stage', 'bypass-not-allowed', 'unknown-stage'].includes(decision.refusal.code), decision.refusal.code);
            }
          }
        }), { numRuns: 30 });
      }
    });
  });

  describe('AMB-20: drafts keep the officer\'s work; completion needs every required field', () => {
    it('a draft keeps the answers given, trimmed, for the stage it is for; a second draft replaces it; no card changes and nobody is told', () => {
      const s = atLevel3();
      const revision = s.state.revision;
      const told = notificationsOf(s, { type: 'save-briefing-draft', actor: people.officer, stageId: 'level3', forStageId: 'level4', answers: { childName: `  ${FICTIONAL_CHILD.name} `, familyAddress: '' } }, LATER);
      assert.deepEqual(told, []);
      assert.equal(s.state.revision, revision, 'a draft never makes anyone\'s card stale');
      assert.deepEqual(s.state.briefings.level4?.answers, { childName: FICTIONAL_CHILD.name });
      assert.equal(s.state.briefings.level4?.status, 'draft');
      s.do({ type: 'save-briefing-draft', actor: people.officer, stageId: 'level3', forStageId: 'level4', answers: { childName: FICTIONAL_CHILD.name, familyAddress: FICTIONAL_CHILD.address } }, LATER);
      assert.deepEqual(s.state.briefings.level4?.answers, { childName: FICTIONAL_CHILD.name, familyAddress: FICTIONAL_CHILD.address });
      assert.equal(s.events.at(-1)?.type, 'BriefingDraftSaved');
    });

    it('completing with required fields empty is refused as briefing-incomplete, naming each missing field', () => {
      const s = atLevel3();
      const { childName: _c, familyAddress: _a, parents: _p, ...rest } = completeBriefingAnswers();
      const refusal = s.refused(complete(rest), LATER);
      assert.equal(refusal.code, 'briefing-incomplete');
      assert.equal(refusal.message, 'The Director briefing note is not complete: these fields need an answer: Child’s name; Family Composition: Parents; Family Address.');
    });

    it('Siblings, Extended Family and Other Agencies Involved may be left empty', () => {
      const s = atLevel3();
      const { siblings: _s, extendedFamily: _e, otherAgencies: _o, ...rest } = completeBriefingAnswers();
      s.do(complete(rest), LATER);
      assert.equal(s.state.briefings.level4?.status, 'complete');
    });

    it('a required field the ladder adds must be answered too (AMB-21)', () => {
      const extended = validatePolicy({ ...somersetInput, briefing: { fields: [{ id: 'decision_requested', label: 'Decision requested of the Director', required: true }] } });
      const s = atLevel3(extended);
      assert.match(s.refused(complete(), LATER).message, /Decision requested of the Director/);
      s.do(complete(completeBriefingAnswers({ decision_requested: 'Agree funding for a specialist assessment.' })), LATER);
      assert.deepEqual(s.state.briefings.level4?.fields?.at(-1), { id: 'decision_requested', label: 'Decision requested of the Director' });
    });

    it('answers are checked: a field the note does not have, a date that does not exist, a text too long', () => {
      const s = atLevel3();
      assert.equal(s.refused(complete(completeBriefingAnswers({ shoeSize: '5' })), LATER).code, 'invalid-briefing-answer');
      const badDate = s.refused(complete(completeBriefingAnswers({ childDateOfBirth: '2014-02-30' })), LATER);
      assert.deepEqual(badDate, { code: 'invalid-briefing-answer', message: 'Child’s date of birth must be a date that exists, written YYYY-MM-DD.' });
      assert.match(s.refused(complete(completeBriefingAnswers({ childName: 'x'.repeat(601) })), LATER).message, /Child’s name is too long: at most 600 characters/);
      assert.equal(s.refused({ type: 'save-briefing-draft', actor: people.officer, stageId: 'level3', forStageId: 'level4', answers: { dateOpenedToCsc: 'last year' } }, LATER).code, 'invalid-briefing-answer');
    });

    it('only the officer who raised the case writes the note; someone with no part is refused before anything else', () => {
      const s = atLevel3();
      assert.equal(s.refused(complete(undefined, { actor: people.dd }), LATER).code, 'not-authorised');
      assert.equal(s.refused({ type: 'save-briefing-draft', actor: people.dd, stageId: 'level3', forStageId: 'level4', answers: {} }, LATER).code, 'not-authorised');
      assert.equal(s.refused(complete(undefined, { actor: people.stranger }), LATER).code, 'not-authorised');
    });

    it('the note is for a stage that needs one, not yet entered: not for Level 2, nor for a stage the case has passed', () => {
      const s = atLevel3();
      assert.equal(s.refused(complete(undefined, { forStageId: 'level2' }), LATER).code, 'briefing-not-required');
      assert.equal(s.refused(complete(undefined, { forStageId: 'level9' }), LATER).code, 'unknown-stage');
      const withLevel3 = validatePolicy({ ...somersetInput, stages: somersetInput.stages.map((st) => (st.id === 'level2' ? { ...st, directorBriefingRequired: true } : st)) });
      const t = atLevel3(withLevel3);
      assert.equal(t.refused(complete(undefined, { forStageId: 'level2' }), LATER).code, 'not-a-later-stage');
    });

    it('a stale card completes nothing; nobody without the sendTo roles in the directory is refused as no-addressee', () => {
      const s = atLevel3();
      assert.equal(s.refused(complete(undefined, { expectedVersion: 0 }), LATER).code, 'stale-version');
      assert.equal(s.refused(complete(undefined, { sendTo: [] }), LATER).code, 'no-addressee');
    });
  });

  describe('a case raised straight at a stage that needs the note (it could not have one before it existed)', () => {
    function raisedAtLevel4(): { s: Scenario; told: ReturnType<typeof notificationsFor> } {
      const s = new Scenario(getPolicy('somerset'));
      const events = s.do(raiseStep({ policyId: 'somerset', alertTypeId: 'dispute', entryStageId: 'level4', resolutionSoughtBy: '2026-03-13', ...LEVEL4_PEOPLE }), RAISED);
      return { s, told: notificationsFor({ before: undefined, after: s.state, events }) };
    }

    it('the officer is asked for the note; once complete it goes to the Director and the Deputy Director at once, and it is final', () => {
      const { s, told } = raisedAtLevel4();
      assert.deepEqual(told.filter((n) => n.purpose === 'briefing').map((n) => n.recipient), [people.officer]);
      const sent = notificationsOf(s, complete(undefined, { stageId: 'level4' }), LATER);
      assert.deepEqual(sent.map((n) => [n.purpose, n.recipient]).sort(), [['briefing', people.director], ['briefing', people.dd]].sort());
      assert.equal(s.state.briefings.level4?.sentAt, '2026-03-04T11:00:00.000Z');
      const again = s.refused(complete(undefined, { stageId: 'level4' }), LATER);
      assert.equal(again.code, 'briefing-already-sent');
      assert.match(again.message, /was completed and sent on/);
    });
  });

  describe('§6.3, RED-07: the note\'s words stay in the record and its own cards', () => {
    function sentNote(): Scenario {
      const s = atLevel3();
      s.do(complete(), LATER);
      s.do(escalateToLevel4, LATER);
      return s;
    }

    it('the recipients have a part in the case from when it is sent, so only they (and the case\'s people) may open it', () => {
      const withLevel3 = validatePolicy({ ...somersetInput, stages: somersetInput.stages.map((st) => (st.id === 'level3' ? { ...st, directorBriefingRequired: true } : st)) });
      const s = new Scenario(withLevel3);
      s.do(raiseStep({ policyId: 'somerset', alertTypeId: 'dispute', entryStageId: 'level2', to: [people.hos] }), RAISED);
      assert.ok(!s.state.notified.includes(people.director));
      s.do(complete(undefined, { stageId: 'level2', forStageId: 'level3' }), LATER);
      assert.ok(!s.state.notified.includes(people.director), 'not before it is sent');
      s.do({ type: 'escalate', actor: people.officer, stageId: 'level2', reason: 'No response.', to: [people.dd], cc: [people.tm] }, LATER);
      assert.ok(s.state.notified.includes(people.director), 'the Director, sent the Level 3 note, is on the case');
    });

    it('the case note for the record says the note was completed and to whom it went, never what it says', () => {
      const s = sentNote();
      const text = caseNoteText(s.events, (id) => ({ [people.officer]: 'Elin Rhys, FRO', [people.director]: 'Helena Marsh-Adeyemi, DCS', [people.dd]: 'Tomasz Wieczorek, DD' }[id] ?? 'someone'));
      assert.match(text, /Elin Rhys, FRO, completed the Director briefing note for Formal Dispute \(Stage 3\): Level 4 \(Case Briefing for Deputy Director\/DCS\)\. It goes with the case to Formal Dispute \(Stage 3\): Level 4, to Helena Marsh-Adeyemi, DCS; and Tomasz Wieczorek, DD\./);
      for (const secret of [FICTIONAL_CHILD.name, FICTIONAL_CHILD.address, FICTIONAL_CHILD.dateOfBirth, 'Dana Thompson', 'CAMHS']) assert.ok(!text.includes(secret), secret);
    });

    it('the case summary (the read model every list is drawn from) holds none of it', () => {
      const s = sentNote();
      const summary = JSON.stringify(summarise(s.state, new Date(LATER)));
      for (const secret of [FICTIONAL_CHILD.name, FICTIONAL_CHILD.address, FICTIONAL_CHILD.dateOfBirth]) assert.ok(!summary.includes(secret), secret);
    });

    it('notifications carry ids only: no answer is in any notification', () => {
      const s = atLevel3();
      s.do(complete(), LATER);
      const told = notificationsOf(s, escalateToLevel4, LATER);
      for (const secret of [FICTIONAL_CHILD.name, FICTIONAL_CHILD.address]) assert.ok(!JSON.stringify(told).includes(secret));
    });

    it('the state folds the same from the events alone (replay)', () => {
      const s = sentNote();
      const replayed = fold(s.events) as CaseState;
      assert.deepEqual(replayed.briefings, s.state.briefings);
      assert.deepEqual(decide(replayed, { ...complete(), caseId: s.caseId }, { now: new Date(LATER), policy: getPolicy('somerset'), calendar }).ok, false);
    });
  });
});
