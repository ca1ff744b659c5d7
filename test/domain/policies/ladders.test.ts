import assert from 'node:assert/strict';
import { getPolicy, resolveSetting, type Policy, type Stage } from '../../../domain/policies/index.js';

const stage = (policy: Policy, id: string): Stage => {
  const found = policy.stages.find((s) => s.id === id);
  assert.ok(found, `${policy.id} has a stage ${id}`);
  return found;
};
const type = (policy: Policy, id: string) => {
  const found = policy.alertTypes.find((t) => t.id === id);
  assert.ok(found, `${policy.id} has an alert type ${id}`);
  return found;
};
const ids = (policy: Policy) => policy.stages.map((s) => s.id);

describe('domain/policies: the four shipped ladders against DOMAIN.md §2', () => {
  describe('Dudley (§2.1, FIRO, foster carers)', () => {
    const dudley = getPolicy('dudley');

    it('§2.1.4: a FIRO ladder for foster carers with the QoP alert as stage 0, then Stages 1-4 in order', () => {
      assert.equal(dudley.officerRole, 'firo');
      assert.equal(dudley.subjectType, 'foster_carer');
      assert.deepEqual(ids(dudley), ['qop_alert', 'stage1', 'stage2', 'stage3', 'stage4']);
      assert.equal(stage(dudley, 'qop_alert').formal, false);
      assert.ok(['stage1', 'stage2', 'stage3', 'stage4'].every((id) => stage(dudley, id).formal));
    });

    it('D-T0, ESC-D0, AMB-05: the QoP alert is answered within 5 working days of receipt, or an agreed alternative date', () => {
      const qop = stage(dudley, 'qop_alert');
      assert.deepEqual(qop.responseTime, { workingDays: 5 });
      assert.equal(qop.customDueDate, 'allowed');
      assert.ok(qop.rules.includes('D-T0'));
    });

    it('AMB-14: the QoP alert goes To the Supervising Social Worker and the Fostering Support Team Manager', () => {
      assert.deepEqual(stage(dudley, 'qop_alert').to, ['supervising_social_worker', 'fostering_support_team_manager']);
    });

    it('D-B2, AMB-13: escalating an unsuccessful QoP alert goes straight to Stage 2', () => {
      assert.equal(stage(dudley, 'qop_alert').escalatesTo, 'stage2');
    });

    it('ESC-D1..3: Stage 1 TM meeting, Stage 2 Fostering SM + S&R SM meeting, Stage 3 referral to both Heads of Service, 5 WD each', () => {
      assert.deepEqual(stage(dudley, 'stage1').to, ['team_manager']);
      assert.equal(stage(dudley, 'stage1').mode, 'meeting');
      assert.deepEqual(stage(dudley, 'stage2').to, ['fostering_service_manager', 'sr_service_manager']);
      assert.equal(stage(dudley, 'stage2').mode, 'meeting');
      assert.deepEqual(stage(dudley, 'stage3').to, ['hos_children_in_care_and_resources', 'head_of_safeguarding_practice_qa']);
      assert.equal(stage(dudley, 'stage3').mode, 'referral');
      for (const id of ['stage1', 'stage2', 'stage3']) assert.deepEqual(stage(dudley, id).responseTime, { workingDays: 5 });
    });

    it('ESC-D4, AMB-04, AMB-26: Stage 4 goes to the Service Director, sent by the HOS Safeguarding and Review, with no timescale', () => {
      const s4 = stage(dudley, 'stage4');
      assert.deepEqual(s4.to, ['service_director']);
      assert.equal(s4.sender, 'hos_safeguarding_and_review');
      assert.equal(s4.responseTime, null);
      assert.notEqual(s4.customDueDate, 'not_allowed');
    });

    it('AMB-15, D-B1: a DRP enters at Stage 2 by default, may be set to Stage 1 (Stage 3 is a bypass), and goes to SSW, Fostering Support TM and Fostering SM', () => {
      const drp = type(dudley, 'drp');
      assert.equal(drp.entryStage, 'stage2');
      assert.deepEqual(drp.otherEntryStages, ['stage1']);
      assert.deepEqual(drp.to, ['supervising_social_worker', 'fostering_support_team_manager', 'fostering_service_manager']);
      assert.equal(drp.recipientsAtEntry, 'add_at_entry');
      assert.equal(drp.triggers.length, 5);
    });

    it('AMB-16: the Good or Excellent Practice Notification has no ladder and a named default recipient', () => {
      const good = type(dudley, 'good_practice');
      assert.equal(good.kind, 'notification');
      assert.equal(good.entryStage, null);
      assert.ok((good.to ?? []).length > 0);
    });

    it('D-B1, AMB-17: bypass is allowed after prior discussion with the line manager, except in emergencies', () => {
      assert.deepEqual(
        { allowed: dudley.bypass.allowed, lm: dudley.bypass.requiresLineManagerDiscussion, emergency: dudley.bypass.exceptInEmergency },
        { allowed: true, lm: true, emergency: true },
      );
    });

    it('AMB-01, §2.5, AMB-29, AMB-30: no overall cap, no Cafcass, care-plan issues to the child\'s IRO, actions confirmed before closure', () => {
      assert.equal(dudley.overallLimit, null);
      assert.equal(dudley.outsideReferral, null);
      assert.equal(dudley.carePlanOnlyIssuesToChildIro, true);
      assert.deepEqual(dudley.closure.requires, ['actions_complete', 'outcome']);
      assert.deepEqual(dudley.closure.actionsConfirmedBy, ['fostering_support_team_manager']);
    });
  });

  describe('Somerset (§2.2, FRO, foster carers)', () => {
    const somerset = getPolicy('somerset');

    it('§2.2.4: Informal (Stage 1), Formal (Stage 2), then Dispute Levels 1-4, each with the authority\'s own label (AMB-12)', () => {
      assert.equal(somerset.officerRole, 'fro');
      assert.deepEqual(ids(somerset), ['informal', 'formal', 'level1', 'level2', 'level3', 'level4']);
      assert.equal(stage(somerset, 'informal').label, 'Informal Resolution (Stage 1)');
      assert.equal(stage(somerset, 'level4').label, 'Formal Dispute (Stage 3): Level 4');
    });

    it('ESC-S1, AMB-05, AMB-18: Informal goes to the SSW, CC PS and TM, up to a maximum of 10 working days', () => {
      const s = stage(somerset, 'informal');
      assert.deepEqual(s.to, ['supervising_social_worker']);
      assert.deepEqual(s.cc, ['practice_supervisor', 'team_manager']);
      assert.deepEqual(s.responseTime, { workingDays: 10 });
      assert.equal(s.responseTimeIsMaximum, true);
      assert.equal(s.customDueDate, 'within_maximum');
    });

    it('ESC-S2: Formal Issue Resolution goes To PS and TM, CC the social worker, up to 5 WD, on the LCS QA form', () => {
      const s = stage(somerset, 'formal');
      assert.deepEqual(s.to, ['practice_supervisor', 'team_manager']);
      assert.deepEqual(s.cc, ['supervising_social_worker']);
      assert.deepEqual(s.responseTime, { workingDays: 5 });
      assert.match(s.recording, /Quality Assurance Issue Resolution form/);
    });

    it('ESC-S3..5: Levels 1-3 go to OM, HoS, DD with the right CCs, up to 5 WD, recording name, date contacted and date sought by', () => {
      assert.deepEqual([stage(somerset, 'level1').to, stage(somerset, 'level1').cc], [['operations_manager'], ['practice_supervisor', 'team_manager']]);
      assert.deepEqual([stage(somerset, 'level2').to, stage(somerset, 'level2').cc], [['head_of_service'], ['team_manager', 'operations_manager']]);
      assert.deepEqual([stage(somerset, 'level3').to, stage(somerset, 'level3').cc], [['deputy_director'], ['team_manager', 'operations_manager', 'head_of_service']]);
      for (const id of ['level1', 'level2', 'level3']) {
        assert.deepEqual(stage(somerset, id).responseTime, { workingDays: 5 });
        assert.equal(stage(somerset, id).responseTimeIsMaximum, true);
        assert.ok(stage(somerset, id).recordFields.includes('date resolution is sought by'));
      }
    });

    it('S Level 4: Director, CC TM/OM/HoS/DD, no timescale, briefing note required (ESC-S6, AMB-20)', () => {
      const s = stage(somerset, 'level4');
      assert.deepEqual(s.to, ['director']);
      assert.deepEqual(s.cc, ['team_manager', 'operations_manager', 'head_of_service', 'deputy_director']);
      assert.equal(s.responseTime, null);
      assert.equal(s.directorBriefingRequired, true);
      assert.equal(stage(somerset, 'level3').directorBriefingRequired, false);
    });

    it('S-B1, S-B2, AMB-17: the FRO may bypass any stage with no line-manager condition; a dispute may start at any level', () => {
      assert.equal(somerset.bypass.allowed, true);
      assert.equal(somerset.bypass.requiresLineManagerDiscussion, false);
      assert.deepEqual(type(somerset, 'dispute').otherEntryStages, ['level2', 'level3', 'level4']);
    });

    it('AMB-01, AMB-30: no overall cap; closing needs the outcome and the key learning points', () => {
      assert.equal(somerset.overallLimit, null);
      assert.equal(somerset.outsideReferral, null);
      assert.deepEqual(somerset.closure.requires, ['outcome', 'key_learning_points']);
    });
  });

  describe('Oxfordshire (§2.3, IRO, looked-after children)', () => {
    const ox = getPolicy('oxfordshire');

    it('§2.3.2: informal discussion, then Stages 1-5; Stages 4 and 5 rarely used', () => {
      assert.equal(ox.officerRole, 'iro');
      assert.equal(ox.subjectType, 'child');
      assert.deepEqual(ids(ox), ['informal', 'stage1', 'stage2', 'stage3', 'stage4', 'stage5']);
      assert.deepEqual(ox.stages.filter((s) => s.rarelyUsed).map((s) => s.id), ['stage4', 'stage5']);
    });

    it('O Stage 1: email to the social worker copying the team manager, no form, no stated time (AMB-04)', () => {
      const s = stage(ox, 'stage1');
      assert.deepEqual([s.to, s.cc, s.mode, s.responseTime], [['social_worker'], ['team_manager'], 'email', null]);
      assert.match(s.recording, /Alert Form is not needed/);
    });

    it('ESC-O2: Stage 2 goes to the ASCMs, alerting SM Safeguarding, ASCM response at most 5 working days', () => {
      const s = stage(ox, 'stage2');
      assert.deepEqual([s.to, s.cc, s.ccLabel], [['ascm'], ['sm_safeguarding'], 'Alert']);
      assert.deepEqual(s.responseTime, { workingDays: 5 });
      assert.equal(s.responseTimeIsMaximum, true);
    });

    it('O Stages 3-5: DD alerting Safeguarding Manager; Director alerting DD Safeguarding if not already aware (AMB-23); Head of Paid Service alerting DCS', () => {
      assert.deepEqual([stage(ox, 'stage3').to, stage(ox, 'stage3').cc], [['deputy_director'], ['safeguarding_manager']]);
      assert.deepEqual([stage(ox, 'stage4').to, stage(ox, 'stage4').cc], [['director'], ['dd_safeguarding']]);
      assert.equal(stage(ox, 'stage4').ccOnlyIfNotAlreadyAware, true);
      assert.deepEqual([stage(ox, 'stage5').to, stage(ox, 'stage5').cc], [['head_of_paid_service'], ['director']]);
    });

    it('O-T0, AMB-01, AMB-02: a 20 working-day overall limit from Stage 1', () => {
      assert.deepEqual(
        ox.overallLimit && { workingDays: 'workingDays' in ox.overallLimit ? ox.overallLimit.workingDays : null, startsAt: ox.overallLimit.startsAt },
        { workingDays: 20, startsAt: 'stage1_raised' },
      );
    });

    it('§2.5, AMB-33: Cafcass is a prompt to consider, at the overall limit, never automatic', () => {
      assert.equal(ox.outsideReferral?.to, 'cafcass');
      assert.equal(ox.outsideReferral?.mode, 'prompt');
      assert.deepEqual(ox.outsideReferral?.promptAfter, { atOverallLimit: true });
    });

    it('O-P2, AMB-28, AMB-31: four categories, severity flags suggesting Stage 2 or 3, emails headed "Resolution and Escalation Alert"', () => {
      assert.deepEqual(ox.categories, ['Practice', 'Judgement', 'Clarification of accountability', 'Strategic issues']);
      const suggested = Object.fromEntries(ox.severityFlags.map((f) => [f.id, f.suggestsEntryStage]));
      assert.deepEqual(suggested, { serious_safeguarding: 'stage2', plan_conflict: 'stage2', failure_to_respond: 'stage3', human_rights_breach: 'stage3' });
      assert.equal(ox.emailSubjectPrefix, 'Resolution and Escalation Alert');
    });

    it('O-B1, AMB-17: the IRO chooses the entry stage, with the Service Manager as an advisory consult', () => {
      assert.equal(ox.bypass.requiresLineManagerDiscussion, false);
      assert.equal(ox.bypass.advisoryConsult, 'service_manager');
      assert.deepEqual(type(ox, 'r_and_e').otherEntryStages, ['stage2', 'stage3']);
    });
  });

  describe('Cheshire East (§2.4, IRO, cared-for children)', () => {
    const ce = getPolicy('cheshire_east');

    it('ESC-C1: the informal practice alert goes to the team manager, resolution within 5 working days', () => {
      assert.deepEqual(ids(ce), ['informal', 'formal']);
      assert.deepEqual(stage(ce, 'informal').to, ['team_manager']);
      assert.deepEqual(stage(ce, 'informal').responseTime, { workingDays: 5 });
    });

    it('ESC-C2, AMB-03, AMB-27: the formal alert allows a further 10 (working) days with the service manager as the senior manager', () => {
      assert.deepEqual(stage(ce, 'formal').to, ['service_manager']);
      assert.deepEqual(stage(ce, 'formal').responseTime, { workingDays: 10 });
    });

    it('ESC-C3, ESC-Ccap, AMB-02: Cafcass prompt after 15 days and a 20-day cap, both from the beginning of the process', () => {
      assert.deepEqual(ce.outsideReferral?.promptAfter, { workingDays: 15 });
      assert.equal(ce.outsideReferral?.promptStartsAt, 'informal_raised');
      assert.equal(ce.overallLimit?.startsAt, 'informal_raised');
      assert.ok(ce.overallLimit && 'workingDays' in ce.overallLimit && ce.overallLimit.workingDays === 20);
    });

    it('§2.4.2, AMB-32: good-practice, informal and formal alert types; no suspension window by default', () => {
      assert.deepEqual(ce.alertTypes.map((t) => [t.id, t.kind]), [['good_practice', 'notification'], ['informal', 'alert'], ['formal', 'dispute']]);
      assert.deepEqual(ce.suspensionWindows, []);
    });
  });

  describe('gaps (DOMAIN.md §7) are explicit settings', () => {
    for (const id of ['dudley', 'somerset', 'oxfordshire', 'cheshire_east']) {
      it(`${id}: every gap names an AMB id, a setting that exists, and its default`, () => {
        const policy = getPolicy(id);
        assert.ok(policy.gaps.length >= 5);
        for (const gap of policy.gaps) {
          assert.match(gap.id, /^AMB-\d{2}$/);
          assert.notEqual(resolveSetting(policy, gap.setting), undefined, `${gap.id} -> ${gap.setting}`);
          assert.ok(gap.default.length > 10);
        }
      });
    }

    const expected: Record<string, string[]> = {
      dudley: ['AMB-01', 'AMB-04', 'AMB-05', 'AMB-12', 'AMB-13', 'AMB-14', 'AMB-15', 'AMB-16', 'AMB-17', 'AMB-25', 'AMB-26', 'AMB-29', 'AMB-30'],
      somerset: ['AMB-01', 'AMB-04', 'AMB-05', 'AMB-12', 'AMB-17', 'AMB-18', 'AMB-19', 'AMB-20', 'AMB-30'],
      oxfordshire: ['AMB-01', 'AMB-02', 'AMB-04', 'AMB-16', 'AMB-17', 'AMB-22', 'AMB-23', 'AMB-24', 'AMB-28', 'AMB-30', 'AMB-31', 'AMB-33'],
      cheshire_east: ['AMB-01', 'AMB-02', 'AMB-03', 'AMB-16', 'AMB-17', 'AMB-27', 'AMB-30', 'AMB-32', 'AMB-33'],
    };
    for (const [id, gaps] of Object.entries(expected)) {
      it(`${id}: names a default for each §7 gap that touches its ladder (${gaps.join(', ')})`, () => {
        // A gap may be filled by more than one setting (e.g. AMB-30 in Dudley: who confirms, and what closure needs).
        assert.deepEqual([...new Set(getPolicy(id).gaps.map((g) => g.id))].sort(), gaps);
      });
    }

    it('AMB-01 is recorded by all four ladders, each with its own cap (or none)', () => {
      const caps = ['dudley', 'somerset', 'oxfordshire', 'cheshire_east'].map((id) => {
        const policy = getPolicy(id);
        assert.ok(policy.gaps.some((g) => g.id === 'AMB-01' && g.setting === 'overallLimit'));
        return policy.overallLimit === null ? null : policy.overallLimit.startsAt;
      });
      assert.deepEqual(caps, [null, null, 'stage1_raised', 'informal_raised']);
    });
  });
});
