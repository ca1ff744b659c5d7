import assert from 'node:assert/strict';
import { caseEmail } from '../../../app/cases/email.js';
import type { NotificationPurpose } from '../../../domain/escalation/notifications.js';
import { emailHeading, getPolicy, policyIds } from '../../../domain/policies/index.js';
import { assertOpaqueSubject } from '../../../graph/privacy.js';

const PURPOSES: readonly NotificationPurpose[] = ['card-new', 'card-update', 'reminder', 'overdue', 'escalate-prompt', 'overall-limit', 'cafcass-prompt', 'action-overdue'];
const REFERENCE = 'LCS-2026-04417';

describe('app/cases: the case email (DESIGN Privacy: opaque reference and stage only)', () => {
  it('every purpose at every stage of every shipped ladder gives a subject mail accepts, naming the reference and nothing else', () => {
    for (const id of policyIds()) {
      for (const stage of getPolicy(id).stages) {
        for (const purpose of PURPOSES) {
          const { subject, html, text } = caseEmail({ reference: REFERENCE, stage: { stageLabel: stage.label } as never }, purpose);
          assert.doesNotThrow(() => assertOpaqueSubject(subject), `${id} ${stage.id} ${purpose}: "${subject}"`);
          assert.ok(subject.startsWith(`Resolve: ${REFERENCE}`), subject);
          assert.match(html, /type <b>case LCS-2026-04417<\/b> to see it/);
          assert.match(text ?? '', /Open Resolve in Microsoft Teams and type "case LCS-2026-04417"/);
        }
      }
    }
  });

  it('a stage name too long for a subject is left to the body', () => {
    const stageLabel = 'Stage 3: Head of Service for Children in Care, Fostering, Adoption and Care Leavers, with the Service Manager';
    const { subject, text } = caseEmail({ reference: REFERENCE, stage: { stageLabel } as never }, 'escalate-prompt');
    assert.equal(subject, `Resolve: ${REFERENCE}: response overdue, escalate?`);
    assert.ok(text?.includes(stageLabel));
  });
});

describe('app/cases: an email heading set by the ladder (AMB-31)', () => {
  it('Oxfordshire: every email of a Resolution and Escalation Alert is headed so, and still fits a subject mail accepts', () => {
    const policy = getPolicy('oxfordshire');
    const heading = emailHeading(policy, 'r_and_e');
    assert.equal(heading, 'Resolution and Escalation Alert');
    for (const stage of policy.stages) {
      for (const purpose of PURPOSES) {
        const { subject } = caseEmail({ reference: REFERENCE, stage: { stageLabel: stage.label } as never }, purpose, heading);
        assert.ok(subject.startsWith('Resolution and Escalation Alert: Resolve: LCS-2026-04417'), subject);
        assert.doesNotThrow(() => assertOpaqueSubject(subject), subject);
      }
    }
    assert.equal(emailHeading(policy, 'informal'), null, 'the informal discussion is not headed');
  });
});
