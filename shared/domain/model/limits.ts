import { integer, text } from './primitives';

/** Field rules shared by several models, so that a job and an exception action agree on what a priority is. */
export const prioritySchema = integer(-100, 100);
export const nameSchema = text(500);
export const dispositionCodeSchema = text(500);
export const noteSchema = text(2000);
