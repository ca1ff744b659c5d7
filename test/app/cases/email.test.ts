import assert from 'node:assert/strict';
import { caseEmail } from '../../../app/cases/email.js';
import type { NotificationPurpose } from '../../../domain/escalation/notifications.js';
import { getPolicy, policyIds } from '../../../domain/policies/index.js';
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
