/**
 * Input the domain cannot accept. The message says what is wrong and how to put it right;
 * `field` names the offending input where there is one, so adapters can show it beside the field.
 */
export class InvalidInputError extends Error {
  override readonly name = 'InvalidInputError';
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}
