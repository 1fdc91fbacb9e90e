import {
  validateCancelJobOptions,
  validateCloseJobOptions,
  validateCompleteJobOptions,
  validateDeclineJobOfferOptions,
  validateReclassifyJobOptions,
  validateUnassignJobOptions,
  type Validation,
} from '../../../shared/domain/model';
import { expectError, expectOnlyError, valueOf } from './helpers';

const validators: Record<string, (body: unknown) => Validation<unknown>> = {
  cancel: validateCancelJobOptions,
  complete: validateCompleteJobOptions,
  close: validateCloseJobOptions,
  unassign: validateUnassignJobOptions,
  decline: validateDeclineJobOfferOptions,
  reclassify: validateReclassifyJobOptions,
};

describe('action option validators', () => {
  it.each(Object.entries(validators))('%s: no body (or JSON null) is valid and means no options', (_name, validate) => {
    expect(valueOf(validate(undefined))).toEqual({});
    expect(valueOf(validate(null))).toEqual({});
    expect(valueOf(validate({}))).toEqual({});
  });

  it.each(Object.entries(validators))('%s: a body that is not an object is refused', (_name, validate) => {
    expectOnlyError(validate('done'), '', 'the request body must be a JSON object');
    expectOnlyError(validate([]), '', 'the request body must be a JSON object');
  });

  it('accepts the Swagger examples', () => {
    expect(valueOf(validateCancelJobOptions({ note: 'User hung up while waiting in queue.', dispositionCode: 'Disconnected' }))).toEqual({
      note: 'User hung up while waiting in queue.',
      dispositionCode: 'Disconnected',
    });
    expect(valueOf(validateCompleteJobOptions({ note: 'Completing job' }))).toEqual({ note: 'Completing job' });
    expect(valueOf(validateCloseJobOptions({ dispositionCode: 'JobCompleted.', note: 'Closing job' }))).toEqual({ dispositionCode: 'JobCompleted.', note: 'Closing job' });
    expect(valueOf(validateUnassignJobOptions({ suspendMatching: false }))).toEqual({ suspendMatching: false });
    expect(valueOf(validateDeclineJobOfferOptions({ retryOfferAt: '2023-05-26T00:00:00.0000000Z' }))).toEqual({ retryOfferAt: '2023-05-26T00:00:00.0000000Z' });
  });

  it('treats the .NET "no value" date as absent (AssignmentScenario recordings)', () => {
    expect(valueOf(validateCloseJobOptions({ closeAt: '0001-01-01T00:00:00.0000000Z', note: 'Job closed by x' }))).toEqual({ note: 'Job closed by x' });
    expect(valueOf(validateDeclineJobOfferOptions({ retryOfferAt: '0001-01-01T00:00:00.0000000Z' }))).toEqual({});
    expect(valueOf(validateDeclineJobOfferOptions({ retryOfferAt: '0001-01-01T00:00:00+00:00' }))).toEqual({});
  });

  it('keeps a real closeAt as sent', () => {
    expect(valueOf(validateCloseJobOptions({ closeAt: '2030-06-01T12:00:00.5+02:00' }))).toEqual({ closeAt: '2030-06-01T12:00:00.5+02:00' });
  });

  it('refuses invalid dates', () => {
    expectOnlyError(validateCloseJobOptions({ closeAt: 'Mon, 01 Jan 2024 00:00:00 GMT' }), 'closeAt', 'must be an RFC 3339 date-time such as 2024-01-01T00:00:00Z');
    expectOnlyError(validateDeclineJobOfferOptions({ retryOfferAt: 1700000000 }), 'retryOfferAt', 'must be an RFC 3339 date-time');
  });

  it('validates note and disposition code', () => {
    const result = validateCancelJobOptions({ note: 5, dispositionCode: 'x'.repeat(501) });
    expectError(result, 'note', 'expected a string, got 5');
    expectError(result, 'dispositionCode', 'at most 500 characters');
    expectOnlyError(validateCompleteJobOptions({ note: 'x'.repeat(2001) }), 'note', 'at most 2000 characters');
    expectOnlyError(validateCloseJobOptions({ note: ['x'] }), 'note', 'expected a string, got an array');
  });

  it('validates suspendMatching', () => {
    expectOnlyError(validateUnassignJobOptions({ suspendMatching: 'yes' }), 'suspendMatching', 'expected true or false, got "yes"');
  });

  it('drops unknown members, e.g. the assignmentId of the preview complete/close bodies', () => {
    expect(valueOf(validateCompleteJobOptions({ assignmentId: 'a1', note: 'n' }))).toEqual({ note: 'n' });
    expect(valueOf(validateReclassifyJobOptions({ anything: true }))).toEqual({});
  });
});
