import { describe, expect, it } from 'vitest';
import type { MergedCase } from '../bindings';
import { mergedNote, mergeTargets, partOfSubject } from './merge';

const course: MergedCase = { case_id: 'c2', subject: 'Cannot log in to the course', note: null, manual: false };
const planner: MergedCase = { case_id: 'c3', subject: 'Planner pages', note: null, manual: false };

describe('mergedNote', () => {
  it('says why the case shows here, with a fallback when the core gave no note', () => {
    const note = 'Bought in one session: Focus Journal, Habit Course';
    expect(mergedNote({ ...course, note })).toBe(note);
    expect(mergedNote({ ...course, note: null, manual: true })).toBe('Merged by hand');
    expect(mergedNote(course)).toBe('Bought in one session');
  });
});

describe('partOfSubject / mergeTargets', () => {
  it('names the case this one is part of, and leaves it out of the merge targets', () => {
    const family = { shown_in: 'c2', merge_candidates: [course, planner] };
    expect(partOfSubject(family)).toBe('Cannot log in to the course');
    expect(mergeTargets(family)).toEqual([planner]);
  });
  it('has no subject for a case standing alone, or one the core did not list', () => {
    expect(partOfSubject({ shown_in: null, merge_candidates: [course] })).toBeNull();
    expect(partOfSubject({ shown_in: 'c9', merge_candidates: [course] })).toBeNull();
    expect(partOfSubject({ shown_in: 'c2', merge_candidates: [{ ...course, subject: '' }] })).toBeNull();
    expect(mergeTargets({ shown_in: null, merge_candidates: [course, planner] })).toEqual([course, planner]);
  });
});
