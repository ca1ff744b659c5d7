/**
 * Input builders. Each input carries a label, the client-side checks the schema in verbs.ts also
 * makes (required, maximum length, pattern), and, when the server found a fault, the message
 * beside the field so nothing the person typed is lost.
 */
import { compact, text, type CardElement } from './elements.js';

export interface InputCommon {
  id: string;
  label: string;
  isRequired?: boolean;
  /** Shown by the client when its own check fails. */
  errorMessage?: string;
  /** The server's message for this field, from the last submit. */
  error?: string | undefined;
}

export interface Choice {
  readonly title: string;
  readonly value: string;
}

/** The input followed, when there is a server error, by that error in attention colour. */
function withError(input: CardElement, error: string | undefined): CardElement[] {
  return compact([input, error !== undefined && text(error, { color: 'Attention', size: 'Small', spacing: 'None' })]);
}

function common(c: InputCommon): Record<string, unknown> {
  const errorMessage = c.error ?? c.errorMessage;
  return {
    id: c.id,
    label: c.label,
    ...(c.isRequired ? { isRequired: true } : {}),
    ...(errorMessage !== undefined ? { errorMessage } : {}),
  };
}

export function textInput(c: InputCommon & {
  value?: string | undefined;
  maxLength?: number;
  isMultiline?: boolean;
  placeholder?: string;
  regex?: string;
}): CardElement[] {
  return withError({
    type: 'Input.Text',
    ...common(c),
    ...(c.value !== undefined && c.value !== '' ? { value: c.value } : {}),
    ...(c.maxLength !== undefined ? { maxLength: c.maxLength } : {}),
    ...(c.isMultiline ? { isMultiline: true } : {}),
    ...(c.placeholder !== undefined ? { placeholder: c.placeholder } : {}),
    ...(c.regex !== undefined ? { regex: c.regex } : {}),
  }, c.error);
}

export function dateInput(c: InputCommon & { value?: string | undefined }): CardElement[] {
  return withError({
    type: 'Input.Date',
    ...common(c),
    ...(c.value ? { value: c.value } : {}),
  }, c.error);
}

export function choiceInput(c: InputCommon & {
  choices: readonly Choice[];
  value?: string | undefined;
  isMultiSelect?: boolean;
  style?: 'compact' | 'expanded' | 'filtered';
  placeholder?: string;
}): CardElement[] {
  return withError({
    type: 'Input.ChoiceSet',
    ...common(c),
    choices: c.choices.map(({ title, value }) => ({ title, value })),
    ...(c.style && c.style !== 'compact' ? { style: c.style } : {}),
    ...(c.isMultiSelect ? { isMultiSelect: true } : {}),
    ...(c.value ? { value: c.value } : {}),
    ...(c.placeholder !== undefined ? { placeholder: c.placeholder } : {}),
  }, c.error);
}

/** Sends "true" or "false" (the defaults of valueOn / valueOff). */
export function toggleInput(c: InputCommon & { title: string; value?: boolean | undefined }): CardElement[] {
  return withError({
    type: 'Input.Toggle',
    ...common(c),
    title: c.title,
    value: c.value ? 'true' : 'false',
    wrap: true,
  }, c.error);
}
