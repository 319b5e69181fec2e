import catalogueV1 from './annex-a-catalogue.v1.json';

/** How much of a control a use-case governance workflow can evidence by itself. */
export type ControlEvidence = 'primary' | 'supporting' | 'organisational';

export interface AnnexAControl {
  /** `A.6.2.4`: the standard's numbering, where `.1` of each objective is the objective itself. */
  id: string;
  /** The short title only: the standard's text is copyrighted and is not stored. */
  title: string;
  objective: string;
  evidence: ControlEvidence;
}

/**
 * The ISO/IEC 42001 Annex A controls as versioned data, like gate policies: a
 * version never changes; a corrected or newer catalogue is a new version, and
 * what refers to a control (policy mappings, the Statement of Applicability)
 * names the version it was made against.
 */
export interface AnnexACatalogue {
  catalogue: 'iso42001-annex-a';
  version: number;
  standard: string;
  note: string;
  objectives: { id: string; title: string }[];
  controls: AnnexAControl[];
}

export const ANNEX_A_CATALOGUES: readonly AnnexACatalogue[] = [catalogueV1 as AnnexACatalogue];

/** The catalogue new mappings are made against. */
export const CURRENT_ANNEX_A: AnnexACatalogue = ANNEX_A_CATALOGUES[ANNEX_A_CATALOGUES.length - 1];

export function annexACatalogue(version: number): AnnexACatalogue | undefined {
  return ANNEX_A_CATALOGUES.find((catalogue) => catalogue.version === version);
}

/** Is `id` a control of the catalogue (the current one unless named)? */
export function isAnnexAControl(id: string, catalogue: AnnexACatalogue = CURRENT_ANNEX_A): boolean {
  return catalogue.controls.some((control) => control.id === id);
}
