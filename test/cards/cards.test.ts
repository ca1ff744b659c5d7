import assert from 'node:assert/strict';
import { InvalidInputError } from '../../domain/errors.js';
import {
  AGREED_ACTIONS_SHOWN, MAX_CARD_BYTES, SHORTENED_MARK, actionCard, briefingCard, cardBytes, caseDetailCard, chaserCard, helpCard, myCasesCard, outcomeCard, raiseForm, readOnlyCard,
  statusCard, unavailableCard, welcomeCard,
} from '../../cards/index.js';
import { allCards, walk } from './catalog.js';
import * as f from './fixtures.js';
import { allText, buttonTitles, executes, input, showCardNamed, texts } from './helpers.js';

const caseKey = { caseId: f.header.caseId, stageId: f.header.stageId, version: f.header.version };

describe('cards: the action card for a stage\'s To recipients (issue 4 "Raising and acting", DOMAIN §8.3)', () => {
  const card = actionCard(f.actionCardView);

  it('DOMAIN §8.3: the header gives the authority, the alert type label and the stage label', () => {
    const text = allText(card);
    assert.match(text, /Oxfordshire County Council · Resolution and Escalation Alert/);
    assert.match(text, /Stage 1 · Awaiting response/);
    assert.match(text, /Case LCS-204518/);
  });

  it('DOMAIN §8.3: shows category, issue, impact, resolution sought, agreed actions and the response due in Europe/London', () => {
    const text = allText(card);
    for (const expected of [f.freeText.category, f.freeText.issue, f.freeText.impact, f.freeText.resolutionSought, f.freeText.action]) {
      assert.ok(text.includes(expected), expected);
    }
    assert.match(text, /Response due: 17:00 on Tuesday 10 March 2026/);
    assert.match(text, /Resolution sought by: Friday 13 March 2026/);
  });

  it('a response due in British Summer Time is shown in London time, not UTC', () => {
    const summer = actionCard({ ...f.actionCardView, responseDue: new Date('2026-06-02T16:00:00Z') });
    assert.match(allText(summer), /Response due: 17:00 on Tuesday 2 June 2026/);
  });

  it('offers Accept, Propose alternative, Decline and Agree action, each an Action.Execute carrying the case stamp', () => {
    assert.deepEqual(buttonTitles(card), ['Accept', 'Propose alternative', 'Decline', 'Agree action']);
    const verbs = executes(card).map((a) => a.verb);
    for (const verb of ['respondAccept', 'respondPropose', 'respondDecline', 'agreeAction']) assert.ok(verbs.includes(verb), verb);
    for (const a of executes(card)) assert.deepEqual({ ...(a.data as object), actionId: undefined }, { ...caseKey, actionId: undefined });
  });

  it('Decline needs a reason: the reason input is required, bounded and says so', () => {
    const reason = input(showCardNamed(card, 'Decline'), 'declineReason');
    assert.equal(reason?.isRequired, true);
    assert.equal(reason?.maxLength, 2000);
    assert.match(String(reason?.errorMessage), /reason is required/);
  });

  it('Propose alternative takes text; Agree action takes the words, an owner from the list and a due date', () => {
    assert.equal(input(showCardNamed(card, 'Propose alternative'), 'proposal')?.type, 'Input.Text');
    const agree = showCardNamed(card, 'Agree action');
    assert.deepEqual((input(agree, 'actionOwnerId')?.choices as unknown[]).length, 2);
    assert.equal(input(agree, 'actionDue')?.type, 'Input.Date');
    assert.equal(input(agree, 'actionText')?.isRequired, true);
  });

  it('"Mark done" appears only for the viewer\'s own open action', () => {
    const marks = executes(card).filter((a) => a.verb === 'completeAction');
    assert.equal(marks.length, 1);
    assert.deepEqual(marks[0]?.data, { ...caseKey, actionId: 'act_1' });
    const asManager = actionCard({ ...f.actionCardView, viewerId: f.people.teamManager.id });
    assert.equal(executes(asManager).filter((a) => a.verb === 'completeAction').length, 0, 'act_2 is already done');
  });

  it('shows only the buttons the viewer is allowed now: after a response, no more Accept/Decline', () => {
    const after = actionCard(f.respondedActionCardView);
    assert.deepEqual(buttonTitles(after), []);
    assert.match(allText(after), /Declined by Sam Adeyemi at 10:42 on 3 March/);
    assert.ok(allText(after).includes(f.freeText.declineReason));
  });

  it('typed words are TextRuns, so markdown in them (a link, bold) is shown literally, never rendered', () => {
    const runs = [...walk(card)].map((w) => w.value).filter((v) => v.type === 'TextRun').map((v) => v.text);
    assert.ok(runs.includes(f.freeText.issue));
    const blocks = [...walk(card)].map((w) => w.value).filter((v) => v.type === 'TextBlock').map((v) => String(v.text));
    assert.ok(!blocks.some((b) => b.includes('[Click here]')));
  });

  it('the case-record link is shown for https only, with brackets escaped so the markdown cannot break', () => {
    assert.match(allText(card), /\[Open the case record\]\(https:\/\/lcs\.example\.invalid\/cases\/LCS-204518\/forms\/qa%281%29\)/);
    for (const caseRecordUrl of ['javascript:alert(1)', 'http://lcs.example.invalid/x', 'not a url']) {
      assert.doesNotMatch(allText(actionCard({ ...f.actionCardView, caseRecordUrl })), /Open the case record/);
    }
  });
});

describe('cards: refresh, so each person sees the view for their role (DESIGN Cards)', () => {
  it('lists the viewers\' Teams MRIs in refresh.userIds with the refresh verb and the case stamp', () => {
    const card = actionCard(f.actionCardView);
    assert.deepEqual(card.refresh, {
      action: { type: 'Action.Execute', verb: 'refresh', data: caseKey },
      userIds: [f.mriOf(f.people.teamManager), f.mriOf(f.people.socialWorker)],
    });
  });

  it('with no MRI known, the card still refreshes, with no list: a 1:1 chat refreshes for its one person', () => {
    const card = readOnlyCard({ ...f.readOnlyView, viewerIds: [] });
    assert.deepEqual(card.refresh, { action: { type: 'Action.Execute', verb: 'refresh', data: caseKey } });
  });

  it('lists each viewer once', () => {
    const card = readOnlyCard({ ...f.readOnlyView, viewerIds: ['u1', 'u2', 'u1'] });
    assert.deepEqual(card.refresh?.userIds, ['u1', 'u2']);
  });

  it('at exactly 60 viewers, lists all 60', () => {
    assert.equal(actionCard(f.largestActionCardView).refresh?.userIds?.length, 60);
  });

  it('over 60 viewers, drops the list and the card says it will not update itself, with a Refresh button', () => {
    const card = readOnlyCard(f.crowdedReadOnlyView);
    assert.equal(card.refresh?.userIds, undefined);
    assert.equal(card.refresh?.action.verb, 'refresh');
    assert.match(allText(card), /shared with 75 people, more than the 60 it can keep up to date by itself/);
    assert.deepEqual(executes(card.body).map((a) => a.title), ['Refresh']);
  });
});

describe('cards: the read-only card for CC recipients', () => {
  it('shows the same facts as the action card and no button at all', () => {
    const card = readOnlyCard(f.readOnlyView);
    for (const expected of [f.freeText.issue, f.freeText.impact, f.freeText.resolutionSought, 'Response due: 17:00 on Tuesday 10 March 2026']) {
      assert.ok(allText(card).includes(expected), expected);
    }
    assert.equal(card.actions, undefined);
    assert.deepEqual(executes(card.body), []);
    assert.match(allText(card), /copied in for information/);
  });
});

describe('cards: the officer\'s status card', () => {
  const card = statusCard(f.statusView);

  it('says where the case is, with whom, who is copied, and the history', () => {
    const text = allText(card);
    assert.match(text, /With: Grace Mbeki/);
    assert.match(text, /Copied to: Sam Adeyemi/);
    assert.match(text, /Raised at Stage 1 by Priya Okonjo, 09:05 on 3 March/);
    assert.match(text, /Alternative proposed by Sam Adeyemi, 10:42 on 3 March/);
  });

  it('Escalate shows the next stage\'s To and CC before the officer confirms', () => {
    const escalate = showCardNamed(card, 'Escalate');
    const text = allText(escalate);
    assert.match(text, /Escalating sends this to Stage 2\./);
    assert.match(text, /To: Helen Farrow/);
    assert.match(text, /Copied to: Sam Adeyemi/);
    assert.deepEqual(executes(escalate).map((a) => [a.verb, a.title]), [['escalate', 'Escalate to Stage 2']]);
  });

  it('Escalate from the status card asks for the reason (required) and, optionally, the date resolution is sought by (§3.1)', () => {
    const escalate = showCardNamed(card, 'Escalate');
    assert.equal(input(escalate, 'escalateReason')?.isRequired, true);
    assert.equal(input(escalate, 'escalateSoughtBy')?.type, 'Input.Date');
    assert.equal(input(escalate, 'escalateSoughtBy')?.isRequired, undefined);
  });

  it('D-B1: Bypass asks for the stage and a reason, and where the ladder needs it, the line-manager and emergency toggles', () => {
    const bypass = showCardNamed(card, 'Bypass');
    assert.deepEqual((input(bypass, 'bypassStageId')?.choices as { value: string }[]).map((c) => c.value), ['stage3', 'stage4']);
    assert.equal(input(bypass, 'bypassReason')?.isRequired, true);
    assert.equal(input(bypass, 'discussedWithLineManager')?.type, 'Input.Toggle');
    assert.equal(input(bypass, 'emergency')?.type, 'Input.Toggle');
    const noCondition = statusCard({ ...f.statusView, bypassTargets: [{ stageId: 'L2', label: 'Dispute Level 2', needsLineManagerDiscussion: false }] });
    assert.equal(input(showCardNamed(noCondition, 'Bypass'), 'discussedWithLineManager'), undefined);
  });

  it('Resolve asks for the outcome (required) and key learning points', () => {
    const resolve = showCardNamed(card, 'Resolve');
    assert.equal(input(resolve, 'outcome')?.isRequired, true);
    assert.equal(input(resolve, 'learningPoints')?.isRequired, undefined);
  });

  it('Refer to Cafcass appears only when allowed; Escalate only when there is a next stage', () => {
    assert.deepEqual(buttonTitles(card), ['Escalate', 'Bypass', 'Resolve', 'Refer to Cafcass', 'Withdraw']);
    assert.deepEqual(buttonTitles(statusCard(f.statusViewAtTop)), ['Resolve', 'Withdraw']);
  });

  it('shows the latest ten history entries and says how many earlier ones are hidden', () => {
    const text = allText(statusCard(f.statusViewAtTop));
    assert.match(text, /4 earlier entries not shown/);
    assert.equal((text.match(/Reminder sent by/g) ?? []).length, 10);
  });
});

describe('cards: the outcome card after a click (issue 4: a stale card never acts)', () => {
  it('a stale click says what happened, who acted and when, and that nothing was changed', () => {
    assert.match(allText(outcomeCard(f.outcomeViews.already!)),
      /This alert was already accepted by Sam Adeyemi at 10:42 on 3 March\. Nothing was changed\./);
  });

  it('a click on a card the case has moved past names the move', () => {
    assert.match(allText(outcomeCard(f.outcomeViews.escalatedMeanwhile!)),
      /This alert was already escalated to Stage 2 by Priya Okonjo at 08:30 on 11 March\. Nothing was changed\./);
  });

  it('a refused click says nothing was changed and why', () => {
    const text = allText(outcomeCard(f.outcomeViews.refused!));
    assert.match(text, /Nothing was changed\./);
    assert.ok(text.includes(f.freeText.refusal));
  });

  it('a recorded click says what the person did', () => {
    assert.match(allText(outcomeCard(f.outcomeViews.done!)), /You accepted this alert at 10:42 on 3 March\./);
  });

  it('shows the current state and offers the current card, without refreshing itself away', () => {
    const card = outcomeCard(f.outcomeViews.already!);
    assert.match(allText(card), /Stage: Stage 1/);
    assert.match(allText(card), /Status: Accepted/);
    assert.equal(card.refresh, undefined);
    assert.deepEqual(executes(card).map((a) => [a.verb, a.data]), [['refresh', { ...caseKey, version: 5 }]]);
  });

  it('a dispute is called a dispute', () => {
    const view = { ...f.outcomeViews.already!, header: { ...f.header, alertKind: 'dispute' as const } };
    assert.match(allText(outcomeCard(view)), /^This dispute was already accepted/m);
  });
});

describe('cards: help, my cases, case detail, chaser and briefing', () => {
  it('help lists the commands; only officers get the Raise button', () => {
    assert.match(allText(helpCard({ canRaise: true })), /case REFERENCE/);
    assert.deepEqual(buttonTitles(helpCard({ canRaise: true })), ['Raise an alert', 'My cases']);
    assert.deepEqual(buttonTitles(helpCard({ canRaise: false })), ['My cases']);
  });

  it('help names the case command in words Teams shows as typed: no <reference>, which Teams reads as markup and hides', () => {
    const text = allText(helpCard({ canRaise: true }));
    assert.doesNotMatch(text, /<reference>/);
    assert.match(text, /^case REFERENCE: One case, e\.g\. case LCS-204518/m);
  });

  it('no card text holds anything Teams would read as an HTML tag (so nothing typed in angle brackets disappears)', () => {
    for (const { name, card } of allCards()) {
      for (const t of texts(card)) assert.doesNotMatch(t, /<\/?[A-Za-z][^>]*>/, `${name}: ${t}`);
    }
  });

  it('my cases with no cases says so', () => {
    assert.match(allText(myCasesCard(f.myCasesViews.empty!)), /You have no open cases\./);
  });

  it('my cases lists reference, stage and due date, badges the overdue one, and each row opens its case', () => {
    const card = myCasesCard(f.myCasesViews.some!);
    const text = allText(card);
    assert.match(text, /LCS-204518/);
    assert.match(text, /Resolution and Escalation Alert · Stage 1/);
    assert.match(text, /Due 10 Mar 2026/);
    assert.match(text, /No deadline/);
    assert.equal((text.match(/OVERDUE/g) ?? []).length, 1);
    assert.deepEqual(executes(card).map((a) => a.data), [
      caseKey, { caseId: 'case_01HV9A0B1C2D', stageId: 'informal', version: 1 },
    ]);
  });

  it('case detail shows facts and history read-only, with a way to the viewer\'s own view', () => {
    const card = caseDetailCard(f.detailView);
    assert.ok(allText(card).includes(f.freeText.issue));
    assert.deepEqual(executes(card).map((a) => a.verb), ['refresh']);
  });

  it('DOMAIN §8.4: an overdue chaser gives the officer one-click Escalate (no show card) naming where it goes', () => {
    const card = chaserCard(f.chaserViews.officerOverdue!);
    assert.match(allText(card), /was due by 17:00 on Tuesday 10 March 2026 and has not been received/);
    assert.match(allText(card), /Escalating sends this to Stage 2\./);
    const escalate = (card.actions ?? [])[0] as Record<string, unknown>;
    assert.equal(escalate.type, 'Action.Execute');
    assert.equal(escalate.verb, 'escalate');
    assert.deepEqual(escalate.data, caseKey);
  });

  it('DOMAIN §8.4: a reminder to the recipient has no Escalate, only the way to respond, and stays as sent (no refresh)', () => {
    const card = chaserCard(f.chaserViews.recipientReminder!);
    assert.match(allText(card), /Your response to this alert is due by 17:00 on Tuesday 10 March 2026/);
    assert.deepEqual(executes(card).map((a) => a.verb), ['openCase']);
    assert.equal(card.refresh, undefined);
  });

  it('AMB-04, §8.4: where the next stage has no timescale the overdue chaser asks for the date inline, the default filled in, and Escalate submits it', () => {
    const card = chaserCard(f.chaserViews.officerOverdueNextWithoutTimescale!);
    const date = input(card, 'escalateSoughtBy');
    assert.equal(date?.type, 'Input.Date');
    assert.equal(date?.value, '2026-03-18');
    assert.equal(date?.isRequired, true);
    const escalate = executes(card).find((a) => a.verb === 'escalate');
    assert.equal(escalate?.associatedInputs, 'auto');
    assert.equal(executes(chaserCard(f.chaserViews.officerOverdue!)).find((a) => a.verb === 'escalate')?.associatedInputs, 'none', 'with a timescale it stays one click');
  });

  it('§8.3: with an alternative proposed, the officer\'s card offers Accept the proposal (one click) and Reject the proposal (with a reason)', () => {
    const card = statusCard(f.statusViewWithProposal);
    const verbs = executes(card).map((a) => a.verb);
    assert.ok(verbs.includes('acceptProposal') && verbs.includes('rejectProposal'), verbs.join(','));
    assert.equal(input(showCardNamed(card, 'Reject the proposal'), 'rejectReason')?.isRequired, true);
  });

  it('a decline is not green: its status says Declined in the attention colour; a proposal waiting for the officer is a warning', () => {
    const header = (status: 'declined' | 'alternative_proposed' | 'responded') => JSON.stringify(readOnlyCard({ ...f.readOnlyView, status }));
    assert.match(header('declined'), /"text":"Stage 1 · Declined","wrap":true,"spacing":"None","weight":"Bolder","color":"Attention"/);
    assert.match(header('alternative_proposed'), /"text":"Stage 1 · Alternative proposed","wrap":true,"spacing":"None","weight":"Bolder","color":"Warning"/);
    assert.match(header('responded'), /"text":"Stage 1 · Accepted","wrap":true,"spacing":"None","weight":"Bolder","color":"Good"/);
  });

  it('a card with context says what is asked, who raised it, what happens if nobody answers, why it came here, the earlier responses and the outcome', () => {
    const context = {
      raisedBy: 'Priya Okonjo, IRO',
      asked: 'You are asked to respond by 17:00 on Tuesday 10 March 2026: accept, propose another course, or decline with a reason.',
      ifNoAnswer: 'If nobody responds by 17:00 on Tuesday 10 March 2026, Priya Okonjo is prompted to escalate it to Stage 3.',
      whyHere: { how: 'escalated' as const, fromStageLabel: 'Stage 1', reason: 'No agreement at stage 1.' },
      earlierResponses: [{ stageLabel: 'Stage 1', kind: 'declined' as const, by: 'Sam Adeyemi', text: 'The plan was updated on the case system.' }],
      closing: { outcome: 'Plan updated.', learningPoints: 'Share plans within a week.' },
    };
    const text = allText(actionCard({ ...f.actionCardView, context }));
    for (const expected of [context.asked, 'Raised by Priya Okonjo, IRO.', context.ifNoAnswer, 'Escalated here from Stage 1:', 'No agreement at stage 1.', 'Stage 1: Sam Adeyemi declined', 'The plan was updated on the case system.', 'Outcome', 'Plan updated.', 'Key learning points']) {
      assert.ok(text.includes(expected), `the card says: ${expected}`);
    }
  });

  it('a foster carer\'s ladder asks for the impact on the carers, not "Impact on the child"', () => {
    const base = f.raiseViews.blank!;
    assert.equal(input(raiseForm(base), 'impact')?.label, 'Impact on the foster carers and the children in their care', 'Dudley is about foster carers');
    const child = { ...base, policies: base.policies.map((p) => ({ ...p, subjectType: 'child' as const })) };
    assert.equal(input(raiseForm(child), 'impact')?.label, 'Impact on the child');
  });

  it('ESC-C3, §2.5: before the referral is offered, the officer may refer under the statutory right, confirmed on the card', () => {
    const card = statusCard(f.statusViewCafcassEarly);
    assert.deepEqual(buttonTitles(card).filter((t) => /Cafcass/.test(t)), ['Refer to Cafcass now']);
    const early = showCardNamed(card, 'Refer to Cafcass now');
    assert.equal(input(early, 'statutoryOverride')?.isRequired, true);
    assert.equal(input(early, 'cafcassReason')?.isRequired, true);
  });

  it('AMB-30: Mark done follows who may confirm an action (canMarkDone), not only its owner', () => {
    const [first] = f.actionCardView.agreedActions;
    assert.ok(first, 'the fixture has an action');
    const confirmer = { ...f.actionCardView, viewerId: 'not-the-owner', agreedActions: [{ ...first, doneAt: undefined, canMarkDone: true }] };
    assert.ok(executes(actionCard(confirmer)).some((a) => a.verb === 'completeAction'));
    const owner = { ...f.actionCardView, viewerId: first.owner.id, agreedActions: [{ ...first, doneAt: undefined, canMarkDone: false }] };
    assert.ok(!executes(actionCard(owner)).some((a) => a.verb === 'completeAction'));
  });

  it('a welcome offers Raise to officers only, and My cases only in a 1:1 chat', () => {
    assert.deepEqual(executes(welcomeCard(f.welcomeViews.officer!)).map((a) => a.verb), ['raiseOpen', 'myCases']);
    assert.deepEqual(executes(welcomeCard(f.welcomeViews.manager!)).map((a) => a.verb), ['myCases']);
    assert.deepEqual(executes(welcomeCard(f.welcomeViews['shared-chat (empty)']!)).map((a) => a.verb), []);
  });

  it('the database-unavailable card says nothing was changed and to try again', () => {
    assert.match(allText(unavailableCard()), /Resolve cannot reach its database; nothing was changed; try again in a minute\./);
  });

  it('DOMAIN §8.6: the briefing card links the access-controlled note, or says it is being prepared', () => {
    assert.match(allText(briefingCard(f.briefingViews.withLink!)), /\[Open the briefing note\]\(https:\/\/sharepoint/);
    assert.match(allText(briefingCard(f.briefingViews.pending!)), /being prepared/);
    assert.deepEqual(executes(briefingCard(f.briefingViews.pending!)).map((a) => a.verb), ['openCase']);
  });
});

describe('cards: the raise form (issue 4: mistakes come back field by field, with nothing lost)', () => {
  it('has every field the issue names', () => {
    const card = raiseForm(f.raiseViews.blank!);
    for (const id of ['caseReference', 'subjectInitials', 'allocatedWorkerId', 'policyId', 'alertTypeId', 'entryStageId', 'category', 'issue', 'impact', 'resolutionSought', 'resolutionSoughtBy']) {
      assert.ok(input(card, id), id);
    }
    assert.equal(input(card, 'resolutionSoughtBy')?.type, 'Input.Date');
    assert.deepEqual(executes(card).map((a) => [a.verb, a.data]), [['raiseSubmit', { formId: 'form_5QK2' }]]);
  });

  it('entry stages and categories come from the chosen policy; no stage is preselected, so the type\'s usual entry stage applies', () => {
    const card = raiseForm(f.raiseViews.blank!);
    assert.deepEqual((input(card, 'entryStageId')?.choices as { value: string }[]).map((c) => c.value), ['stage1', 'stage2', 'stage3', 'stage4']);
    assert.equal(input(card, 'entryStageId')?.value, undefined);
    assert.equal(input(card, 'entryStageId')?.isRequired, undefined);
    assert.equal(input(card, 'category')?.style, 'filtered');
    assert.equal(input(raiseForm({ ...f.raiseViews.blank!, policies: [f.somersetPolicy] }), 'category')?.type, 'Input.Text');
  });

  it('D-B1: the line-manager and emergency toggles appear where the ladder needs them, and not elsewhere', () => {
    assert.ok(input(raiseForm(f.raiseViews.blank!), 'discussedWithLineManager'));
    assert.equal(input(raiseForm(f.raiseViews.withErrors!), 'discussedWithLineManager'), undefined);
    assert.ok(input(raiseForm(f.raiseViews.withErrors!), 'bypassReason'));
  });

  it('with several policies, offers to update the form for the policy picked', () => {
    const card = raiseForm(f.raiseViews.prefilledFromMessage!);
    assert.ok(executes(card).some((a) => a.verb === 'raiseUpdate'));
    assert.ok(!executes(raiseForm(f.raiseViews.blank!)).some((a) => a.verb === 'raiseUpdate'));
  });

  it('prefilled from a message: the issue holds the message text', () => {
    assert.equal(input(raiseForm(f.raiseViews.prefilledFromMessage!), 'issue')?.value, f.freeText.issue);
  });

  it('each faulty field shows its own message beside it, and a summary in attention colour names them', () => {
    const card = raiseForm(f.raiseViews.withErrors!);
    const errors = f.raiseViews.withErrors!.errors!;
    for (const [id, message] of Object.entries(errors)) {
      assert.equal(input(card, id)?.errorMessage, message, id);
      const blocks = [...walk(card)].map((w) => w.value).filter((v) => v.type === 'TextBlock' && v.text === message);
      assert.equal(blocks[0]?.color, 'Attention', id);
    }
    assert.match(allText(card), /Please correct these 3 fields: Case reference, Impact on the child, Resolution sought by\. Everything you typed is still here\./);
    assert.match(allText(card), /Starting at Formal Issue Resolution \(Stage 2\) needs a reason\./);
  });

  it('nothing typed is lost: every value comes back in its input, the wrong ones too', () => {
    const card = raiseForm(f.raiseViews.withErrors!);
    const values = f.raiseViews.withErrors!.values!;
    assert.equal(input(card, 'caseReference')?.value, 'Jayden');
    assert.equal(input(card, 'subjectInitials')?.value, values.subjectInitials);
    assert.equal(input(card, 'issue')?.value, values.issue);
    assert.equal(input(card, 'resolutionSoughtBy')?.value, '2026-02-30');
    assert.equal(input(card, 'entryStageId')?.value, 'formal');
    assert.equal(input(card, 'alertTypeId')?.value, 'dispute');
    assert.equal(input(card, 'allocatedWorkerId')?.value, f.people.socialWorker.id);
    assert.equal(input(card, 'severityFlags')?.value, 'serious_safeguarding,human_rights_breach');
  });

  it('required fields are marked required, with a pattern for the case reference and the initials', () => {
    const card = raiseForm(f.raiseViews.blank!);
    for (const id of ['caseReference', 'subjectInitials', 'allocatedWorkerId', 'policyId', 'alertTypeId', 'issue', 'impact', 'resolutionSought']) {
      assert.equal(input(card, id)?.isRequired, true, id);
    }
    assert.ok(new RegExp(String(input(card, 'caseReference')?.regex)).test('LCS-204518'));
    assert.ok(!new RegExp(String(input(card, 'caseReference')?.regex)).test('Jayden Thornbury'));
    assert.ok(!new RegExp(String(input(card, 'subjectInitials')?.regex)).test('Jayden Thornbury'));
  });

  it('the allocated worker is chosen from the case workers the view offers, by name, sending the Entra object id', () => {
    const card = raiseForm(f.raiseViews.blank!);
    const choice = input(card, 'allocatedWorkerId');
    assert.equal(choice?.type, 'Input.ChoiceSet');
    assert.equal(choice?.style, 'filtered');
    assert.deepEqual(choice?.choices, f.caseWorkers.map((w) => ({ title: w.name, value: w.id })));
    assert.equal(choice?.value, undefined, 'nobody is preselected');
    const typed = (id: string) => raiseForm({ ...f.raiseViews.blank!, values: { allocatedWorkerId: id } });
    assert.equal(input(typed('c5d7e1a2-8b3f-4c6d-9e0a-1b2c3d4e0a06'), 'allocatedWorkerId')?.value, 'c5d7e1a2-8b3f-4c6d-9e0a-1b2c3d4e0a06');
    assert.equal(input(typed('someone-not-offered'), 'allocatedWorkerId')?.value, undefined, 'a value not offered is not shown as chosen');
  });

  it('a missing allocated worker comes back under its own field, named in the summary', () => {
    const message = 'Allocated social worker is required: pick one from the list';
    const card = raiseForm({ ...f.raiseViews.blank!, errors: { allocatedWorkerId: message } });
    assert.equal(input(card, 'allocatedWorkerId')?.errorMessage, message);
    assert.match(allText(card), /Please correct this field: Allocated social worker \(or supervising social worker\)\./);
  });

  it('with no case workers to choose from, the form says so and who can fix it', () => {
    const card = raiseForm(f.raiseViewWithoutWorkers);
    assert.match(allText(card), /No social workers are set up to choose from.*ask your administrator/);
    assert.equal(input(card, 'allocatedWorkerId'), undefined, 'no empty choice list');
  });

  it('with no policy configured, refuses to draw and says what to do', () => {
    assert.throws(() => raiseForm({ formId: 'form_1', policies: [], workers: f.caseWorkers }),
      (e: unknown) => e instanceof InvalidInputError && /at least one escalation policy/.test(e.message));
  });
});

describe('cards: a card too big for Teams is drawn again with shorter texts, and says so', () => {
  it('an ordinary card is drawn in full, nothing shortened', () => {
    assert.ok(!JSON.stringify(statusCard(f.statusView)).includes(SHORTENED_MARK));
    const longIssue = { ...f.readOnlyView, facts: { ...f.readOnlyView.facts, issue: 'x'.repeat(2000) } };
    assert.ok(allText(readOnlyCard(longIssue)).includes('x'.repeat(2000)), 'a 2,000-character issue alone fits whole');
  });

  it('a status card past the budget fits after shortening, and every shortened text ends with the mark', () => {
    const whole = JSON.stringify(f.oversizedStatusView).length;
    assert.ok(whole > MAX_CARD_BYTES, 'the fixture must be over budget to prove anything');
    const card = statusCard(f.oversizedStatusView);
    assert.ok(cardBytes(card) <= MAX_CARD_BYTES, `${cardBytes(card)} bytes`);
    const runs = [...walk(card)].map((w) => w.value).filter((v) => v.type === 'TextRun').map((v) => String(v.text));
    const typed2000 = runs.filter((t) => /^(\d )?x{100}/.test(t));
    assert.ok(typed2000.length >= 9, `${typed2000.length} long texts drawn`);
    for (const t of typed2000) {
      assert.ok(t.endsWith(SHORTENED_MARK), t.slice(-40));
      assert.ok(t.length < 2000, `${t.length} characters`);
    }
  });

  it(`shows at most ${AGREED_ACTIONS_SHOWN} agreed actions, the viewer's own open ones first, and counts the rest`, () => {
    const view = { ...f.actionCardView, viewerId: f.people.officer.id, agreedActions: f.oversizedStatusView.agreedActions.map((a) => ({ ...a, description: `Action ${a.actionId}` })) };
    const card = actionCard(view);
    const text = allText(card);
    assert.match(text, /2 more agreed actions not shown/);
    assert.ok(text.indexOf('Action act_9') < text.indexOf('Action act_0'), 'the viewer\'s own action (act_9) comes first');
    assert.ok(!text.includes('Action act_8') || !text.includes('Action act_7'));
    assert.deepEqual(executes(card).filter((a) => a.verb === 'completeAction').map((a) => (a.data as { actionId: string }).actionId), ['act_9']);
  });
});
