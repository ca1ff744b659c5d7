/**
 * "My cases": one row per case with its stage, due date and an overdue badge; a row opens the
 * case. A list is what templating is for, so this card is a template expanded with its rows.
 */
import * as ACData from 'adaptivecards-templating';
import type { AdaptiveCardJson } from './elements.js';
import { CARD_SCHEMA_VERSION } from './elements.js';
import { formatShortDate } from './format.js';
import { caseData } from './parts.js';
import { VERBS } from './verbs.js';
import type { MyCasesView } from './view-models.js';

interface Row {
  readonly reference: string;
  readonly alertTypeLabel: string;
  readonly stageLabel: string;
  readonly dueText: string;
  readonly overdue: boolean;
  readonly open: ReturnType<typeof caseData>;
}

const template = new ACData.Template({
  type: 'AdaptiveCard',
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
  version: CARD_SCHEMA_VERSION,
  fallbackText: '${fallbackText}',
  body: [
    { type: 'TextBlock', text: '${title}', style: 'heading', size: 'Medium', weight: 'Bolder', wrap: true },
    { type: 'TextBlock', $when: '${count(rows) == 0}', text: '${emptyText}', isSubtle: true, wrap: true },
    { type: 'TextBlock', $when: '${count(rows) > 0}', text: '${summary}', isSubtle: true, size: 'Small', wrap: true },
    {
      type: 'Container',
      $data: '${rows}',
      separator: true,
      selectAction: { type: 'Action.Execute', title: 'Open case ${reference}', verb: VERBS.openCase, data: '${open}' },
      items: [{
        type: 'ColumnSet',
        columns: [
          {
            type: 'Column', width: 'stretch',
            items: [
              { type: 'TextBlock', text: '${reference}', weight: 'Bolder', wrap: true },
              { type: 'TextBlock', text: '${alertTypeLabel} · ${stageLabel}', spacing: 'None', isSubtle: true, size: 'Small', wrap: true },
            ],
          },
          {
            type: 'Column', width: 'auto', verticalContentAlignment: 'Center',
            items: [
              { type: 'TextBlock', text: '${dueText}', size: 'Small', horizontalAlignment: 'Right', wrap: true },
              { type: 'TextBlock', $when: '${overdue}', text: 'OVERDUE', color: 'Attention', weight: 'Bolder', size: 'Small', spacing: 'None', horizontalAlignment: 'Right', wrap: true },
            ],
          },
        ],
      }],
    },
  ],
});

export function myCasesCardPreview(view: MyCasesView): string {
  const overdue = view.items.filter((i) => i.overdue).length;
  return `${view.title ?? 'My cases'}: ${view.items.length} open, ${overdue} overdue`;
}

export function myCasesCard(view: MyCasesView): AdaptiveCardJson {
  const rows: Row[] = view.items.map((item) => ({
    reference: item.reference,
    alertTypeLabel: item.alertTypeLabel,
    stageLabel: item.stageLabel,
    dueText: item.due ? `Due ${formatShortDate(item.due)}` : 'No deadline',
    overdue: item.overdue,
    open: caseData(item),
  }));
  const overdue = rows.filter((r) => r.overdue).length;
  const summary = `${rows.length} open, ${overdue} overdue. Select a case to open it.`;
  return template.expand({
    $root: { rows, summary, title: view.title ?? 'My cases', emptyText: view.emptyText ?? 'You have no open cases.', fallbackText: myCasesCardPreview(view) },
  }) as AdaptiveCardJson;
}
