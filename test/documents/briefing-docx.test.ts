/**
 * The Director briefing note as a Word document (DOMAIN §3.2, §6.1), read back with mammoth: headed
 * with the template's title, every field's label (and guidance) and the officer's answer, in the
 * template's order, line breaks kept, an unanswered field said to be so.
 */
import assert from 'node:assert/strict';
import mammoth from 'mammoth';
import { BRIEFING_DOCUMENT_MARKING, NOT_ANSWERED, briefingDocx, type BriefingDocumentView } from '../../documents/briefing-docx.js';
import { BRIEFING_TEMPLATE, BRIEFING_TEMPLATE_TITLE } from '../../domain/policies/index.js';
import { completeBriefingAnswers } from '../domain/escalation/briefing-answers.js';

const answers = completeBriefingAnswers({ interventions: 'Two supervisory visits missed.\nA six-week review proposed and rejected.' });
const view: BriefingDocumentView = {
  title: BRIEFING_TEMPLATE_TITLE,
  authority: 'Somerset Council',
  reference: 'LCS-104233',
  stageLabel: 'Formal Dispute (Stage 3): Level 4',
  completed: 'Monday 23 November 2026, 10:00, by Elin Rhys, Fostering Reviewing Officer',
  fields: [
    ...BRIEFING_TEMPLATE.map((f) => ({ label: f.label, value: f.id === 'otherAgencies' ? '' : answers[f.id] ?? '', ...(f.group !== undefined && { group: f.group }), ...(f.guidance !== undefined && { guidance: f.guidance }) })),
    { label: 'Decision requested of the Director', value: 'Agree funding for a specialist assessment.' },
  ],
};

async function text(buffer: Buffer): Promise<string> {
  return (await mammoth.extractRawText({ buffer })).value;
}

describe('documents/briefing-docx: the Director briefing note as .docx (DOMAIN §3.2)', () => {
  it('is a Word document mammoth reads, headed "Case Briefing for Deputy Director/DCS" with the authority, reference, stage and who completed it', async () => {
    const buffer = await briefingDocx(view);
    assert.equal(buffer.subarray(0, 2).toString('latin1'), 'PK', 'a .docx is a zip');
    const read = await text(buffer);
    assert.equal(read.trim().split('\n')[0], BRIEFING_TEMPLATE_TITLE);
    assert.match(read, /Somerset Council · Case LCS-104233 · Formal Dispute \(Stage 3\): Level 4/);
    assert.match(read, /Completed Monday 23 November 2026, 10:00, by Elin Rhys, Fostering Reviewing Officer/);
  });

  it('holds every field label, its guidance, and every answer, in the template\'s order, then the ladder\'s own', async () => {
    const read = await text(await briefingDocx(view));
    let at = -1;
    for (const field of view.fields) {
      const found = read.indexOf(`${field.label}:`, at + 1);
      assert.ok(found > at, `${field.label} after the field before it`);
      at = found;
      if (field.guidance !== undefined) assert.ok(read.includes(field.guidance), field.guidance);
      if (field.value !== '') for (const line of field.value.split('\n')) assert.ok(read.includes(line), line);
    }
    assert.ok(read.indexOf('Family Composition') < read.indexOf('Parents:'), 'Family Composition heads Parents, Siblings and Extended Family');
  });

  it('an unanswered field says so, and every page is marked as holding a child\'s details', async () => {
    const buffer = await briefingDocx(view);
    const read = await text(buffer);
    const agencies = read.indexOf('Other Agencies Involved:');
    assert.ok(read.indexOf(NOT_ANSWERED, agencies) > agencies);
    // The page header is not in mammoth's body text: read it from the document's header part.
    const { default: JSZip } = await import('jszip');
    const zip = await JSZip.loadAsync(buffer);
    const headers = await Promise.all(Object.keys(zip.files).filter((n) => /^word\/header\d*\.xml$/.test(n)).map((n) => zip.file(n)!.async('string')));
    assert.ok(headers.some((h) => h.includes(BRIEFING_DOCUMENT_MARKING.replace("'", '&apos;')) || h.includes(BRIEFING_DOCUMENT_MARKING)), 'the marking is in the page header');
  });
});
