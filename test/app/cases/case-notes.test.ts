import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describePeople, exportCaseNotes, NOT_IN_DIRECTORY, roleKeyLabel } from '../../../app/cases/case-notes.js';
import { handleCaseCommand, type CaseStoreOptions } from '../../../app/cases/model.js';
import { DEFAULT_ORG_FILE } from '../../../bin/config.js';
import { createWorkingCalendar } from '../../../domain/calendar/index.js';
import { getPolicy } from '../../../domain/policies/index.js';
import { createOrgFileDirectory, loadOrganisationFile } from '../../../graph/directory/index.js';
import type { Directory } from '../../../graph/directory/types.js';
import { TestClock } from '../../../store/clock.js';
import { describeOnEngines } from '../../store/engines.js';

// Fictional people from graph/samples/organisation.yaml (Northmoor Borough Council).
const PRIYA = 'ff53a46f-5ead-403a-84c4-b877678537a3'; // Independent Reviewing Officer
const SAMIRA = '3c3ae353-fb14-428e-90b4-01a6c1cc0aff'; // Social Worker
const BETHAN = '5796a670-482c-490e-8d97-82bfcdc83011'; // Team Manager, Children in Care (North)
const ELIN = '0c28cec1-b947-42af-a4b9-36976b4b76b0'; // Fostering Reviewing Officer
const NIAMH = 'bbeeb636-1d33-4c6d-96f0-da847a2a3b87'; // Supervising Social Worker
const KWAME = '0b80a255-53a1-4945-a932-58ef7777682c'; // Team Manager, Fostering Support
const OLIVER = 'dd2ee150-d284-4277-b89c-1af40ce8fcc9'; // Practice Supervisor, Fostering Support
/** Someone who has left: still named in the case's events, gone from the directory. */
const LEFT = '9e1f0c55-3b7a-4d2e-8c61-2f4b5a6d7e80';
/** An Entra object id anywhere in the text (DOMAIN §6.1: never printed). */
const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

const calendar = createWorkingCalendar();

describe('app/cases/case-notes: people described from the directory (DOMAIN §6.1)', () => {
  let sample: Directory;
  before(async () => {
    sample = createOrgFileDirectory(await loadOrganisationFile(DEFAULT_ORG_FILE));
  });

  it('a role key reads as words: social_worker is "Social Worker", head_of_service "Head of Service", iro "IRO"', () => {
    assert.equal(roleKeyLabel('social_worker'), 'Social Worker');
    assert.equal(roleKeyLabel('head_of_service'), 'Head of Service');
    assert.equal(roleKeyLabel('iro'), 'IRO');
    assert.equal(roleKeyLabel('hos_children_in_care_and_resources'), 'HOS Children in Care and Resources');
  });

  it('a person is "Name, Job title" from the directory; without a job title, their first role; gone from the directory, said so', async () => {
    const untitled: Directory = { ...sample, person: async (id) => { const p = await sample.person(id); return p && { id: p.id, displayName: p.displayName, email: p.email }; } };
    const titled = await describePeople(sample, [SAMIRA, KWAME, LEFT]);
    assert.equal(titled(SAMIRA), 'Samira Haddad, Social Worker');
    assert.equal(titled(KWAME), 'Kwame Asante, Team Manager, Fostering Support');
    assert.equal(titled(LEFT), NOT_IN_DIRECTORY);
    assert.equal(NOT_IN_DIRECTORY, 'a person no longer in the directory');
    const byRole = await describePeople(untitled, [KWAME, SAMIRA]);
    assert.equal(byRole(KWAME), 'Kwame Asante, Fostering Support Team Manager');
    assert.equal(byRole(SAMIRA), 'Samira Haddad, Social Worker', 'a practitioner holds the social_worker role of a case-holding team');
  });
});

describeOnEngines('app/cases/case-notes: exportCaseNotes on the store (DOMAIN §6.1, the Norfolk review)', (ctx) => {
  let sample: Directory;
  let n = 0;
  // Each case runs a year earlier than the one before, so deadlines left by earlier cases are never due.
  const setUp = () => {
    const year = 2040 - n++;
    const clock = new TestClock(`${year}-03-09T10:00:00.000Z`);
    const options: CaseStoreOptions = { db: ctx.db, clock, policyFor: getPolicy, calendar };
    const caseId = `case-${randomUUID()}`;
    return { clock, options, caseId, reference: `NOTE-${year}-${caseId.slice(5, 13)}` };
  };

  before(async () => {
    sample = createOrgFileDirectory(await loadOrganisationFile(DEFAULT_ORG_FILE));
  });

  it('§6.1: the export names people with their role, states each decision with its reason and date, and prints no Entra object id', async () => {
    const { clock, options, caseId, reference } = setUp();
    await handleCaseCommand(options, {
      type: 'raise', caseId, actor: PRIYA, reference, subjectInitials: 'L.M.', allocatedWorkerId: SAMIRA, policyId: 'oxfordshire', alertTypeId: 'r_and_e',
      entryStageId: 'stage1', issue: 'The pathway plan has not been updated.', impactOnChild: 'L.M. does not know who will support them after 18.',
      resolutionSought: 'An updated pathway plan.', resolutionSoughtBy: `${clock.now().getUTCFullYear()}-03-13`, to: [SAMIRA], cc: [BETHAN, LEFT],
    });
    clock.advance(26 * 3_600_000);
    await handleCaseCommand(options, { type: 'respond', caseId, actor: SAMIRA, stageId: 'stage1', response: 'decline', text: 'The plan was updated last month.' });
    const text = await exportCaseNotes(ctx.db, reference, sample);
    assert.ok(text !== undefined);
    assert.doesNotMatch(text, GUID);
    const lines = text.split('\n');
    assert.match(lines[0]!, new RegExp(`^Case ${reference} \\(L\\.M\\.\\): Resolution and Escalation Alert, Oxfordshire County Council\\. Raised by Priya Okonjo, Independent Reviewing Officer, on \\w+day 9 March \\d{4}, 10:00\\. Allocated worker: Samira Haddad, Social Worker\\.$`));
    assert.match(lines[1]!, / It went to Samira Haddad, Social Worker\. Bethan Pryce, Team Manager, Children in Care \(North\); and a person no longer in the directory, were copied in\./);
    assert.match(lines[1]!, / Impact on the looked after child: "L\.M\. does not know who will support them after 18\."/);
    assert.match(lines[2]!, /^\w+day 10 March \d{4}, 12:00 \[Stage 1\] Samira Haddad, Social Worker, declined because "The plan was updated last month\."$/);
  });

  it('§6.1: a foster carer\'s case exported under its shipped ladder (Somerset) does not say "child"', async () => {
    const { clock, options, caseId, reference } = setUp();
    await handleCaseCommand(options, {
      type: 'raise', caseId, actor: ELIN, reference, subjectInitials: 'R.K.', allocatedWorkerId: NIAMH, policyId: 'somerset', alertTypeId: 'informal',
      issue: 'Supervision visits have lapsed since January.', impactOnChild: 'The carers feel unsupported.', resolutionSought: 'Monthly supervision restored.',
      to: [NIAMH], cc: [OLIVER, KWAME],
    });
    clock.advance(3_600_000);
    await handleCaseCommand(options, { type: 'respond', caseId, actor: NIAMH, stageId: 'informal', response: 'accept', text: 'A visit is booked.' });
    const text = await exportCaseNotes(ctx.db, reference, sample);
    assert.ok(text !== undefined);
    assert.doesNotMatch(text, /child/i);
    assert.match(text, / Impact: "The carers feel unsupported\."/);
    assert.match(text, /Niamh Delaney, Supervising Social Worker, accepted, noting "A visit is booked\."/);
    assert.doesNotMatch(text, GUID);
  });

  it('an unknown reference exports nothing', async () => {
    assert.equal(await exportCaseNotes(ctx.db, 'NOTE-1999-NONE', sample), undefined);
  });
});
