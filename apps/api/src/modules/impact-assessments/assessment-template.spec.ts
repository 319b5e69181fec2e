import {
  answerErrors,
  AssessmentTemplateDocument,
  DEFAULT_ASSESSMENT_TEMPLATE_DATA,
  QUESTION_KINDS,
  questionsById,
  unansweredQuestions,
  validateAssessmentTemplate,
} from './assessment-template';

const defaultTemplate = () => JSON.parse(JSON.stringify(DEFAULT_ASSESSMENT_TEMPLATE_DATA)) as AssessmentTemplateDocument;

/** The fields a broken copy of the default template is refused on. */
const fieldsRefusedAfter = (edit: (template: Record<string, any>) => void) => {
  const template = defaultTemplate() as unknown as Record<string, any>;
  edit(template);
  return validateAssessmentTemplate(template).map((error) => error.field);
};

const GUIDE_HEADING =
  /^(Considerations that apply to all phases|The design phase|The development phase|The deployment phase|The operate phase) — [A-Z][^—]+$|^AI roles: Developers, deployers, and end users$|^Responsible AI considerations throughout the AI lifecycle$/;

describe('the default assessment template', () => {
  const template = defaultTemplate();
  const questions = template.sections.flatMap((section) => section.questions);

  it('is valid', () => {
    expect(validateAssessmentTemplate(template)).toEqual([]);
  });

  it('has the nine sections, in order, against Annex A catalogue version 1', () => {
    expect(template.catalogue).toBe(1);
    expect(template.sections.map((section) => section.id)).toEqual([
      'intended_use',
      'affected_groups',
      'fairness',
      'privacy',
      'safety',
      'transparency',
      'human_oversight',
      'environment',
      'limitations',
    ]);
  });

  it('has two to five questions in every section, at least one of them required, each id under its section', () => {
    for (const section of template.sections) {
      expect(section.questions.length).toBeGreaterThanOrEqual(2);
      expect(section.questions.length).toBeLessThanOrEqual(5);
      expect(section.questions.some((question) => question.required)).toBe(true);
      for (const question of section.questions) expect(question.id.startsWith(`${section.id}.`)).toBe(true);
    }
  });

  it('uses all four kinds of question', () => {
    expect(new Set(questions.map((question) => question.kind))).toEqual(new Set(QUESTION_KINDS));
  });

  it('points every question to sections of the guide, by the guide’s own headings', () => {
    for (const question of questions) {
      expect(question.guide.length).toBeGreaterThan(0);
      for (const reference of question.guide) expect(reference).toMatch(GUIDE_HEADING);
    }
  });

  it('serves each impact-assessment control, A.5.2 to A.5.5, by some required question', () => {
    const served = new Set(questions.filter((question) => question.required).flatMap((question) => question.controls));
    for (const control of ['A.5.2', 'A.5.3', 'A.5.4', 'A.5.5']) expect(served).toContain(control);
  });

  it('asks for affected groups with a required groups question whose help explains nonUser', () => {
    const groups = questionsById(template).get('affected_groups.groups');
    expect(groups).toMatchObject({ kind: 'groups', required: true });
    expect(groups?.help).toMatch(/nonUser/);
  });
});

describe('validateAssessmentTemplate', () => {
  it('refuses what is not an object, and a template without sections', () => {
    expect(validateAssessmentTemplate([])).toEqual([{ field: 'document', detail: 'document must be an object' }]);
    expect(fieldsRefusedAfter((template) => (template.sections = []))).toEqual(['document.sections']);
    expect(fieldsRefusedAfter((template) => (template.name = '  '))).toEqual(['document.name']);
  });

  it('refuses a question id used twice, even in different sections, naming where it was first used', () => {
    const errors = validateAssessmentTemplate(
      (() => {
        const template = defaultTemplate();
        template.sections[2].questions[0].id = 'intended_use.purpose';
        return template;
      })(),
    );
    expect(errors).toEqual([{ field: 'document.sections.2.questions.0.id', detail: expect.stringContaining('document.sections.0.questions.0') }]);
  });

  it('refuses a section id used twice', () => {
    expect(fieldsRefusedAfter((template) => (template.sections[1].id = 'intended_use'))).toEqual(['document.sections.1.id']);
  });

  it('refuses constructor and prototype as question ids, and ids of the wrong shape', () => {
    expect(
      fieldsRefusedAfter((template) => {
        template.sections[0].questions[0].id = 'constructor';
        template.sections[0].questions[1].id = 'prototype';
        template.sections[0].questions[2].id = 'Intended Use';
      }),
    ).toEqual(['document.sections.0.questions.0.id', 'document.sections.0.questions.1.id', 'document.sections.0.questions.2.id']);
  });

  it('refuses a kind it does not know, and required that is not a boolean', () => {
    expect(
      fieldsRefusedAfter((template) => {
        template.sections[0].questions[0].kind = 'essay';
        template.sections[0].questions[0].required = 'yes';
      }),
    ).toEqual(['document.sections.0.questions.0.kind', 'document.sections.0.questions.0.required']);
  });

  it('refuses a choice question without options, with one option, or with an option twice', () => {
    // intended_use.ai_role is a choice question.
    expect(fieldsRefusedAfter((template) => delete template.sections[0].questions[1].options)).toEqual(['document.sections.0.questions.1.options']);
    expect(fieldsRefusedAfter((template) => (template.sections[0].questions[1].options = ['Developer']))).toEqual(['document.sections.0.questions.1.options']);
    expect(fieldsRefusedAfter((template) => (template.sections[0].questions[1].options = ['Developer', 'Developer']))).toEqual([
      'document.sections.0.questions.1.options.1',
    ]);
  });

  it('refuses options on a text question and a scale on anything but a scale question', () => {
    expect(
      fieldsRefusedAfter((template) => {
        template.sections[0].questions[0].options = ['Yes', 'No'];
        template.sections[0].questions[1].scale = { min: 1, max: 5 };
      }),
    ).toEqual(['document.sections.0.questions.0.options', 'document.sections.0.questions.1.scale']);
  });

  it('refuses a scale whose min is not below max, a scale point beyond ±100, and a label off the scale', () => {
    // affected_groups.harm_severity is a 1–5 scale question.
    const scaleAt = 'document.sections.1.questions.2.scale';
    expect(fieldsRefusedAfter((template) => (template.sections[1].questions[2].scale = { min: 5, max: 5 }))).toEqual([`${scaleAt}.max`]);
    expect(fieldsRefusedAfter((template) => (template.sections[1].questions[2].scale = { min: 1, max: 101 }))).toEqual([`${scaleAt}.max`]);
    expect(fieldsRefusedAfter((template) => (template.sections[1].questions[2].scale = { min: 1.5, max: 5 }))).toEqual([`${scaleAt}.min`]);
    expect(fieldsRefusedAfter((template) => (template.sections[1].questions[2].scale.labels = { '0': 'Nothing', '03': 'Three', '5': 'Severe' }))).toEqual([
      `${scaleAt}.labels.0`,
      `${scaleAt}.labels.03`,
    ]);
    expect(fieldsRefusedAfter((template) => delete template.sections[1].questions[2].scale)).toEqual([scaleAt]);
  });

  it('refuses a question without a guide reference', () => {
    expect(fieldsRefusedAfter((template) => (template.sections[0].questions[0].guide = []))).toEqual(['document.sections.0.questions.0.guide']);
    expect(fieldsRefusedAfter((template) => (template.sections[0].questions[0].guide = ['']))).toEqual(['document.sections.0.questions.0.guide.0']);
  });

  it('refuses a control the catalogue does not have, an objective, and a control listed twice', () => {
    expect(fieldsRefusedAfter((template) => (template.sections[0].questions[0].controls = ['A.11.2', 'A.5.1', 'A.5.2', 'A.5.2']))).toEqual([
      'document.sections.0.questions.0.controls.0',
      'document.sections.0.questions.0.controls.1',
      'document.sections.0.questions.0.controls.3',
    ]);
  });

  it('refuses an unknown catalogue version once, not once per control', () => {
    expect(fieldsRefusedAfter((template) => (template.catalogue = 99))).toEqual(['document.catalogue']);
    expect(fieldsRefusedAfter((template) => delete template.catalogue)).toEqual(['document.catalogue']);
  });

  it('refuses members it does not know, on a question, a section or the template', () => {
    expect(
      fieldsRefusedAfter((template) => {
        template.sections[0].questions[0].requried = true;
        template.sections[0].intro = 'Hello';
        template.version = 2;
      }),
    ).toEqual(['document.version', 'document.sections.0.intro', 'document.sections.0.questions.0.requried']);
  });
});

/** One question of each kind; first.text and second.scale are required. */
const small: AssessmentTemplateDocument = {
  name: 'Small',
  catalogue: 1,
  sections: [
    {
      id: 'first',
      title: 'First',
      questions: [
        { id: 'first.text', text: 'Why?', kind: 'text', required: true, guide: ['The design phase — Define use case'], controls: [] },
        { id: 'first.choice', text: 'Which?', kind: 'choice', required: false, options: ['Yes', 'No'], guide: ['The design phase — Assess risks'], controls: [] },
      ],
    },
    {
      id: 'second',
      title: 'Second',
      questions: [
        { id: 'second.groups', text: 'Who?', kind: 'groups', required: false, guide: ['The design phase — Define use case'], controls: ['A.5.4'] },
        { id: 'second.scale', text: 'How bad?', kind: 'scale', required: true, scale: { min: 1, max: 5 }, guide: ['The design phase — Assess risks'], controls: [] },
      ],
    },
  ],
};

describe('answerErrors', () => {
  const fieldsRefused = (answers: unknown) => answerErrors(small, answers).map((error) => error.field);

  it('is checked here against a template that is itself valid', () => {
    expect(validateAssessmentTemplate(small)).toEqual([]);
  });

  it('accepts a partial draft with a valid answer of each kind', () => {
    expect(answerErrors(small, {})).toEqual([]);
    const answers = { 'first.text': 'Because.', 'first.choice': 'No', 'second.scale': 5, 'second.groups': [{ name: 'Pedestrians', nonUser: true, impact: 'Could be hit.' }] };
    expect(answerErrors(small, answers)).toEqual([]);
  });

  it('refuses answers that are not an object', () => {
    for (const answers of [null, [], 'all good']) expect(fieldsRefused(answers)).toEqual(['answers']);
  });

  it('refuses an answer to a question the template does not have', () => {
    expect(answerErrors(small, { 'first.other': 'x' })).toEqual([{ field: 'answers.first.other', detail: 'first.other is not a question of this template' }]);
  });

  it('refuses constructor, __proto__ and toString, which every object reaches through its prototype', () => {
    expect(answerErrors(small, JSON.parse('{"constructor": "x", "__proto__": "y", "toString": "z"}'))).toEqual([
      { field: 'answers.constructor', detail: 'constructor is not a question of this template' },
      { field: 'answers.__proto__', detail: '__proto__ is not a question of this template' },
      { field: 'answers.toString', detail: 'toString is not a question of this template' },
    ]);
  });

  it('refuses an answer of the wrong type for each kind', () => {
    expect(fieldsRefused({ 'first.text': 5, 'first.choice': true, 'second.scale': '3', 'second.groups': 'everyone' })).toEqual([
      'answers.first.text',
      'answers.first.choice',
      'answers.second.scale',
      'answers.second.groups',
    ]);
  });

  it('refuses a blank or too long text', () => {
    expect(fieldsRefused({ 'first.text': ' \n ' })).toEqual(['answers.first.text']);
    expect(fieldsRefused({ 'first.text': 'x'.repeat(20_001) })).toEqual(['answers.first.text']);
    expect(fieldsRefused({ 'first.text': 'x'.repeat(20_000) })).toEqual([]);
  });

  it('refuses a choice that is not one of the options, naming them', () => {
    expect(answerErrors(small, { 'first.choice': 'yes' })).toEqual([{ field: 'answers.first.choice', detail: 'the answer must be one of the options: Yes; No' }]);
  });

  it('refuses a scale answer outside the scale or not a whole number', () => {
    for (const value of [0, 6, 2.5, Number.NaN]) expect(fieldsRefused({ 'second.scale': value })).toEqual(['answers.second.scale']);
    for (const value of [1, 5]) expect(fieldsRefused({ 'second.scale': value })).toEqual([]);
  });

  it('refuses a groups entry without nonUser, with a member it does not know, or an empty list', () => {
    const groups = [
      { name: 'Drivers', nonUser: false, impact: 'Delays.' },
      { name: 'Pedestrians', impact: 'Could be hit.' },
      { name: 'Cyclists', nonUser: true, impact: 'Could be hit.', age: 30 },
    ];
    expect(fieldsRefused({ 'second.groups': groups })).toEqual(['answers.second.groups.1.nonUser', 'answers.second.groups.2.age']);
    expect(fieldsRefused({ 'second.groups': [] })).toEqual(['answers.second.groups']);
  });

  it('refuses text holding a lone UTF-16 surrogate, saying so', () => {
    expect(answerErrors(small, { 'first.text': 'broken \ud800 text' })).toEqual([
      { field: 'answers.first.text', detail: expect.stringContaining('unpaired UTF-16 surrogate') },
    ]);
    expect(answerErrors(small, { 'second.groups': [{ name: 'People', nonUser: true, impact: '\udc00' }] })).toEqual([
      { field: 'answers.second.groups.0.impact', detail: expect.stringContaining('unpaired UTF-16 surrogate') },
    ]);
  });
});

describe('unansweredQuestions', () => {
  it('lists the required questions without an answer, in template order', () => {
    expect(unansweredQuestions(small, {})).toEqual(['first.text', 'second.scale']);
    expect(unansweredQuestions(small, { 'first.choice': 'Yes', 'second.scale': 2 })).toEqual(['first.text']);
    expect(unansweredQuestions(small, { 'first.text': 'Because.', 'second.scale': 2 })).toEqual([]);
  });

  it('lists every required question of the default template for an empty draft', () => {
    const template = defaultTemplate();
    const required = template.sections.flatMap((section) => section.questions.filter((question) => question.required).map((question) => question.id));
    expect(unansweredQuestions(template, {})).toEqual(required);
    expect(required.length).toBeGreaterThan(template.sections.length);
  });
});
