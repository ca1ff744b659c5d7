/**
 * The Director briefing note as a Word document for the case record (DOMAIN §3.2, §3.1 row 10,
 * §6.1): headed with the template's title, then every field's label (with its guidance) beside the
 * officer's answer, in the template's order, in one table as the template lays it out. Pure: a
 * view model in, the .docx bytes out (written to a file by the caller).
 */
import {
  AlignmentType, BorderStyle, Document, Header, HeadingLevel, Packer, Paragraph, ShadingType, Table, TableCell, TableRow, TextRun, WidthType,
} from 'docx';

export interface BriefingDocumentView {
  /** "Case Briefing for Deputy Director/DCS". */
  readonly title: string;
  readonly authority: string;
  /** The case reference (the LCS number). */
  readonly reference: string;
  /** The stage the note is for. */
  readonly stageLabel: string;
  /** When and by whom it was completed, as the record says it ("Friday 20 April 2029, 10:00, by Elin Rhys, Fostering Reviewing Officer"). */
  readonly completed: string;
  readonly fields: readonly { readonly label: string; readonly guidance?: string; readonly group?: string; readonly value: string }[];
}

/** Shown on every page: the document holds a child's details. */
export const BRIEFING_DOCUMENT_MARKING = 'OFFICIAL-SENSITIVE: this note holds a child\'s personal details. Keep it on the case record; do not forward it.';
export const NOT_ANSWERED = 'Not answered';

const FONT = 'Arial';
const border = { style: BorderStyle.SINGLE, size: 4, color: '808080' };
const borders = { top: border, bottom: border, left: border, right: border };

/** An answer keeps its line breaks: each line a paragraph. */
function valueParagraphs(value: string): Paragraph[] {
  const lines = value.trim() === '' ? [NOT_ANSWERED] : value.split(/\r?\n/);
  return lines.map((line) => new Paragraph({ children: [new TextRun({ text: line, font: FONT, size: 22, ...(value.trim() === '' && { italics: true, color: '666666' }) })] }));
}

function labelCell(label: string, guidance: string | undefined): TableCell {
  return new TableCell({
    width: { size: 35, type: WidthType.PERCENTAGE },
    borders,
    shading: { type: ShadingType.CLEAR, color: 'auto', fill: 'F2F2F2' },
    children: [
      new Paragraph({ children: [new TextRun({ text: `${label}:`, bold: true, font: FONT, size: 22 })] }),
      ...(guidance === undefined ? [] : [new Paragraph({ children: [new TextRun({ text: guidance, italics: true, font: FONT, size: 18 })] })]),
    ],
  });
}

function rows(fields: BriefingDocumentView['fields']): TableRow[] {
  const out: TableRow[] = [];
  let group: string | undefined;
  for (const field of fields) {
    if (field.group !== undefined && field.group !== group) {
      out.push(new TableRow({
        children: [new TableCell({
          columnSpan: 2,
          borders,
          shading: { type: ShadingType.CLEAR, color: 'auto', fill: 'D9D9D9' },
          children: [new Paragraph({ children: [new TextRun({ text: field.group, bold: true, font: FONT, size: 22 })] })],
        })],
      }));
    }
    group = field.group;
    out.push(new TableRow({
      children: [
        labelCell(field.label, field.guidance),
        new TableCell({ width: { size: 65, type: WidthType.PERCENTAGE }, borders, children: valueParagraphs(field.value) }),
      ],
    }));
  }
  return out;
}

export function briefingDocument(view: BriefingDocumentView): Document {
  return new Document({
    creator: 'Resolve',
    title: view.title,
    description: `${view.authority}: Director briefing note`,
    sections: [{
      headers: {
        default: new Header({ children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ text: BRIEFING_DOCUMENT_MARKING, bold: true, font: FONT, size: 16 })] })] }),
      },
      children: [
        new Paragraph({ heading: HeadingLevel.TITLE, children: [new TextRun({ text: view.title, font: FONT })] }),
        new Paragraph({ children: [new TextRun({ text: `${view.authority} · Case ${view.reference} · ${view.stageLabel}`, font: FONT, size: 22 })] }),
        new Paragraph({ spacing: { after: 200 }, children: [new TextRun({ text: `Completed ${view.completed}`, font: FONT, size: 20, italics: true })] }),
        new Table({ width: { size: 100, type: WidthType.PERCENTAGE }, rows: rows(view.fields) }),
      ],
    }],
  });
}

/** The note as .docx bytes. */
export function briefingDocx(view: BriefingDocumentView): Promise<Buffer> {
  return Packer.toBuffer(briefingDocument(view));
}
