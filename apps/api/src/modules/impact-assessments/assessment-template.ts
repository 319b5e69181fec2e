import { FieldError, printableKey, RESERVED_KEYS, textProblem } from '@app/errors';
import { ANNEX_A_CATALOGUES, AnnexACatalogue, annexACatalogue, isAnnexAControl } from '../compliance/annex-a-catalogue';

/**
 * Impact-assessment templates as versioned data, like gate policies: sections
 * of questions, each question marked with the guide sections and ISO/IEC 42001
 * Annex A controls its answer serves. A published version never changes.
 */
export const QUESTION_KINDS = ['text', 'choice', 'scale', 'groups'] as const;
export type QuestionKind = (typeof QUESTION_KINDS)[number];

export interface AssessmentQuestion {
  /** Unique across the whole template: answers are keyed by it. */
  id: string;
  text: string;
  kind: QuestionKind;
  required: boolean;
  /** Help a team sees while answering, from the guide. */
  help?: string;
  /** For `choice`: the allowed answers. */
  options?: string[];
  /** For `scale`: an integer from min to max. */
  scale?: { min: number; max: number; labels?: Record<string, string> };
  /** Sections of the reference guide the question comes from. */
  guide: string[];
  /** The Annex A controls (of the template's catalogue version) an answer evidences. */
  controls: string[];
}

export interface AssessmentSection {
  id: string;
  title: string;
  questions: AssessmentQuestion[];
}

export interface AssessmentTemplateDocument {
  name: string;
  source?: string;
  /** The Annex A catalogue version the control ids belong to. */
  catalogue: number;
  sections: AssessmentSection[];
}

/** An answer to a `groups` question: one affected individual or group. */
export interface AffectedGroup {
  name: string;
  /** Affected without being a user of the system (the guide's "other parties"). */
  nonUser: boolean;
  impact: string;
}

/** text and choice → string, scale → integer, groups → list of affected groups. */
export type Answer = string | number | AffectedGroup[];
export type Answers = Record<string, Answer>;

export type { FieldError };

const ID_PATTERN = /^[a-z][a-z0-9_.-]{1,79}$/;
const MAX_SECTIONS = 50;
const MAX_QUESTIONS_PER_SECTION = 100;
const MAX_GUIDE_REFERENCES = 20;
const MAX_CONTROLS = 38;
const MIN_OPTIONS = 2;
const MAX_OPTIONS = 50;
const SCALE_BOUND = 100;
const MAX_TEXT_ANSWER = 20_000;
const MAX_GROUPS = 100;

const DOCUMENT_KEYS = ['name', 'source', 'catalogue', 'sections'];
const SECTION_KEYS = ['id', 'title', 'questions'];
const QUESTION_KEYS = ['id', 'text', 'kind', 'required', 'help', 'options', 'scale', 'guide', 'controls'];
const SCALE_KEYS = ['min', 'max', 'labels'];
const GROUP_KEYS = ['name', 'nonUser', 'impact'];

type Fail = (field: string, detail: string) => void;

/**
 * Checks a template document before it is published; returns every problem
 * found, each with the path of the offending value (`sections.2.questions.0.kind`).
 * Unknown members are refused at every level: a published version never
 * changes, so a misspelt `requried` would otherwise be kept, and ignored, for good.
 */
export function validateAssessmentTemplate(document: unknown): FieldError[] {
  const errors: FieldError[] = [];
  const fail: Fail = (field, detail) => errors.push({ field: `document.${field}`, detail });
  if (!isObject(document)) return [{ field: 'document', detail: 'document must be an object' }];

  checkText(document.name, 'name', 'name', 200, fail);
  if (document.source !== undefined) checkText(document.source, 'source', 'source', 500, fail);
  const catalogue = typeof document.catalogue === 'number' ? annexACatalogue(document.catalogue) : undefined;
  if (!catalogue) fail('catalogue', `catalogue must name an Annex A catalogue version: ${ANNEX_A_CATALOGUES.map((c) => c.version).join(', ')}`);
  refuseUnknownMembers(document, DOCUMENT_KEYS, '', 'a template', fail);

  const sections = document.sections;
  if (!Array.isArray(sections) || sections.length === 0 || sections.length > MAX_SECTIONS) {
    fail('sections', `sections must be a list of 1 to ${MAX_SECTIONS} sections`);
    return errors;
  }
  const sectionIds = new Set<string>();
  // Where each question id was first seen, to name it when a later question reuses the id.
  const questionIds = new Map<string, string>();
  sections.forEach((section, sectionIndex) => {
    const at = `sections.${sectionIndex}`;
    if (!isObject(section)) return fail(at, 'a section is { id, title, questions }');
    const problem = idProblem(section.id, 'section');
    if (problem) fail(`${at}.id`, problem);
    else if (sectionIds.has(section.id as string)) fail(`${at}.id`, `${section.id} is the id of another section`);
    else sectionIds.add(section.id as string);
    checkText(section.title, `${at}.title`, 'title', 200, fail);
    refuseUnknownMembers(section, SECTION_KEYS, `${at}.`, 'a section', fail);
    const questions = section.questions;
    if (!Array.isArray(questions) || questions.length === 0 || questions.length > MAX_QUESTIONS_PER_SECTION) {
      return fail(`${at}.questions`, `questions must be a list of 1 to ${MAX_QUESTIONS_PER_SECTION} questions`);
    }
    questions.forEach((question, questionIndex) => validateQuestion(question, `${at}.questions.${questionIndex}`, questionIds, catalogue, fail));
  });
  return errors;
}

function validateQuestion(question: unknown, at: string, questionIds: Map<string, string>, catalogue: AnnexACatalogue | undefined, fail: Fail) {
  if (!isObject(question)) return fail(at, 'a question is { id, text, kind, required, guide, controls }');
  const problem = idProblem(question.id, 'question');
  const id = question.id as string;
  if (problem) fail(`${at}.id`, problem);
  // Answers are keyed by question id alone, so two questions sharing one, even in different sections, would share one answer.
  else if (questionIds.has(id)) fail(`${at}.id`, `${id} is already the id of document.${questionIds.get(id)}; question ids are unique across the whole template`);
  else questionIds.set(id, at);

  checkText(question.text, `${at}.text`, 'text', 2000, fail);
  const kind = question.kind;
  if (!(QUESTION_KINDS as readonly unknown[]).includes(kind)) fail(`${at}.kind`, `kind must be one of ${QUESTION_KINDS.join(', ')}`);
  if (typeof question.required !== 'boolean') fail(`${at}.required`, 'required must be true or false');
  if (question.help !== undefined) checkText(question.help, `${at}.help`, 'help', 4000, fail);

  if (kind === 'choice') checkOptions(question.options, `${at}.options`, fail);
  else if (question.options !== undefined) fail(`${at}.options`, 'only a choice question has options');
  if (kind === 'scale') checkScale(question.scale, `${at}.scale`, fail);
  else if (question.scale !== undefined) fail(`${at}.scale`, 'only a scale question has a scale');

  const guide = question.guide;
  if (!Array.isArray(guide) || guide.length === 0 || guide.length > MAX_GUIDE_REFERENCES) {
    fail(`${at}.guide`, `guide must list the 1 to ${MAX_GUIDE_REFERENCES} sections of the reference guide the question comes from`);
  } else {
    guide.forEach((reference, index) => checkText(reference, `${at}.guide.${index}`, 'a guide reference', 200, fail));
  }
  checkControls(question.controls, `${at}.controls`, catalogue, fail);
  refuseUnknownMembers(question, QUESTION_KEYS, `${at}.`, 'a question', fail);
}

function idProblem(id: unknown, what: 'section' | 'question'): string | undefined {
  if (typeof id !== 'string' || !ID_PATTERN.test(id)) return `a ${what} id is 2 to 80 lowercase letters, digits, dots, underscores or hyphens, starting with a letter`;
  // Question ids become the keys of stored answers, where a prototype member name is asking for trouble.
  if (RESERVED_KEYS.includes(id)) return `${id} is reserved and cannot name a ${what}`;
  return undefined;
}

function checkOptions(options: unknown, at: string, fail: Fail) {
  if (!Array.isArray(options) || options.length < MIN_OPTIONS || options.length > MAX_OPTIONS) {
    return fail(at, `a choice question needs options: a list of ${MIN_OPTIONS} to ${MAX_OPTIONS} answers to choose from`);
  }
  const seen = new Set<unknown>();
  options.forEach((option, index) => {
    if (seen.has(option)) fail(`${at}.${index}`, `${String(option)} is listed twice`);
    else checkText(option, `${at}.${index}`, 'an option', 200, fail);
    seen.add(option);
  });
}

function checkScale(scale: unknown, at: string, fail: Fail) {
  if (!isObject(scale)) return fail(at, 'a scale question needs a scale: { min, max } with optional labels');
  const isPointInBounds = (value: unknown): value is number => Number.isInteger(value) && Math.abs(value as number) <= SCALE_BOUND;
  const { min, max, labels } = scale;
  if (!isPointInBounds(min)) fail(`${at}.min`, `min must be an integer from -${SCALE_BOUND} to ${SCALE_BOUND}`);
  if (!isPointInBounds(max)) fail(`${at}.max`, `max must be an integer from -${SCALE_BOUND} to ${SCALE_BOUND}`);
  const range = isPointInBounds(min) && isPointInBounds(max) ? { min, max } : undefined;
  if (range && range.min >= range.max) fail(`${at}.max`, `max (${range.max}) must be greater than min (${range.min})`);
  if (labels !== undefined) {
    if (!isObject(labels)) {
      fail(`${at}.labels`, 'labels must be an object of scale point → label');
    } else {
      for (const [point, label] of Object.entries(labels)) {
        const field = `${at}.labels.${printableKey(point)}`;
        // Canonical spellings only ("3", "-2", never "03" or "+3"), so no two keys can label the same point.
        const isPoint = /^(0|-?[1-9][0-9]*)$/.test(point) && (!range || (Number(point) >= range.min && Number(point) <= range.max));
        if (!isPoint) fail(field, range ? `a label names a point of the scale: an integer from ${range.min} to ${range.max}` : 'a label names a point of the scale: an integer');
        else checkText(label, field, 'a label', 200, fail);
      }
    }
  }
  refuseUnknownMembers(scale, SCALE_KEYS, `${at}.`, 'a scale', fail);
}

/** Membership is checked only against a known catalogue: an unknown one is reported once, not once per control. */
function checkControls(list: unknown, at: string, catalogue: AnnexACatalogue | undefined, fail: Fail) {
  if (!Array.isArray(list) || list.length > MAX_CONTROLS) return fail(at, `controls must be a list (possibly empty) of at most ${MAX_CONTROLS} Annex A control ids`);
  const seen = new Set<unknown>();
  list.forEach((id, index) => {
    if (typeof id !== 'string') fail(`${at}.${index}`, 'a control id is a string such as A.5.2');
    else if (catalogue && !isAnnexAControl(id, catalogue)) fail(`${at}.${index}`, `${printableKey(id)} is not a control of Annex A catalogue version ${catalogue.version}`);
    else if (seen.has(id)) fail(`${at}.${index}`, `${id} is listed twice`);
    seen.add(id);
  });
}

/**
 * Checks the answers a team saves against a published (so valid) template.
 * Drafts may be partial: a missing answer is no error here (see unansweredQuestions).
 */
export function answerErrors(template: AssessmentTemplateDocument, answers: unknown): FieldError[] {
  if (!isObject(answers)) return [{ field: 'answers', detail: 'answers must be an object of question id → answer' }];
  const errors: FieldError[] = [];
  const fail: Fail = (field, detail) => errors.push({ field: `answers.${field}`, detail });
  const questions = questionsById(template);
  for (const [key, value] of Object.entries(answers)) {
    const id = printableKey(key);
    // A Map holds own entries only, so `constructor` or `__proto__` is refused like any other stranger.
    const question = questions.get(key);
    if (!question) {
      fail(id, `${id} is not a question of this template`);
      continue;
    }
    switch (question.kind) {
      case 'text':
        checkText(value, id, 'the answer', MAX_TEXT_ANSWER, fail);
        break;
      case 'choice': {
        const options = question.options ?? [];
        if (typeof value === 'string' && textProblem(value)) fail(id, `the answer ${textProblem(value)}`);
        else if (typeof value !== 'string' || !options.includes(value)) fail(id, `the answer must be one of the options: ${options.join('; ')}`);
        break;
      }
      case 'scale': {
        // A published template is valid, so a scale question always has its scale.
        const { min, max } = question.scale!;
        if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) fail(id, `the answer must be a whole number from ${min} to ${max}`);
        break;
      }
      case 'groups':
        checkGroups(value, id, fail);
        break;
    }
  }
  return errors;
}

function checkGroups(value: unknown, at: string, fail: Fail) {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_GROUPS) {
    return fail(at, `the answer must list 1 to ${MAX_GROUPS} affected individuals or groups, each { name, nonUser, impact }`);
  }
  value.forEach((group, index) => {
    const entry = `${at}.${index}`;
    if (!isObject(group)) return fail(entry, 'an affected group is { name, nonUser, impact }');
    checkText(group.name, `${entry}.name`, 'name', 200, fail);
    if (typeof group.nonUser !== 'boolean') fail(`${entry}.nonUser`, 'nonUser must be true when the group is affected without using the system, false when it uses it');
    checkText(group.impact, `${entry}.impact`, 'impact', 4000, fail);
    refuseUnknownMembers(group, GROUP_KEYS, `${entry}.`, 'an affected group', fail);
  });
}

/** Ids of the required questions with no answer yet, in template order: what stands between a draft and its submission. */
export function unansweredQuestions(template: AssessmentTemplateDocument, answers: Answers): string[] {
  return allQuestions(template)
    .filter((question) => question.required && !Object.hasOwn(answers, question.id))
    .map((question) => question.id);
}

export function questionsById(template: AssessmentTemplateDocument): Map<string, AssessmentQuestion> {
  return new Map(allQuestions(template).map((question) => [question.id, question]));
}

function allQuestions(template: AssessmentTemplateDocument): AssessmentQuestion[] {
  return template.sections.flatMap((section) => section.questions);
}

/**
 * A text of at most `max` characters that can be stored exactly. Blank counts
 * as empty: a required question answered with spaces has not been answered.
 */
function checkText(value: unknown, at: string, name: string, max: number, fail: Fail) {
  if (typeof value !== 'string' || !value.trim() || value.length > max) return fail(at, `${name} must be a non-empty text of at most ${max} characters`);
  const problem = textProblem(value);
  if (problem) fail(at, `${name} ${problem}`);
}

function refuseUnknownMembers(value: Record<string, unknown>, known: string[], prefix: string, what: string, fail: Fail) {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) fail(`${prefix}${printableKey(key)}`, `${printableKey(key)} is not a member of ${what}, which has ${known.join(', ')}`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export { default as DEFAULT_ASSESSMENT_TEMPLATE_DATA } from './default-assessment-template.json';
