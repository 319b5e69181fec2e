import { TestApp } from './test-app';
import { bearer } from './identity-helpers';

/** A complete, valid use-case body; override any field. */
export function useCaseBody(developerTeamId: string, deployerTeamId = developerTeamId, overrides: Record<string, unknown> = {}) {
  return {
    title: 'Claims triage assistant',
    businessProblem: 'Claims wait days before reaching the right handler.',
    workflow: {
      description: 'A text classifier proposes a queue; a handler confirms it.',
      components: [
        { name: 'classifier', description: 'fine-tuned text model' },
        { name: 'handler review', description: 'a person confirms or changes the queue' },
      ],
    },
    inputs: ['claim text', 'policy type'],
    outputs: ['proposed queue', 'confidence'],
    stakeholders: [
      { name: 'claimants', objectives: 'fast and fair handling', affectedNonUser: true },
      { name: 'claim handlers', objectives: 'less manual triage', affectedNonUser: false },
    ],
    intendedUse: 'Suggest a queue for a human handler to confirm.',
    foreseeableMisuse: 'Letting the proposed queue decide without review.',
    aiRole: 'deployer',
    developerTeamId,
    deployerTeamId,
    ...overrides,
  };
}

/** Registers a use case through the API as `token`'s owner. */
export async function givenUseCase(t: TestApp, token: string, developerTeamId: string, overrides: Record<string, unknown> = {}) {
  const res = await t.http().post('/api/use-cases').set(bearer(token)).send(useCaseBody(developerTeamId, developerTeamId, overrides));
  if (res.status !== 201) throw new Error(`could not create the use case: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; revision: number; contentHash: string; tier: string; content: Record<string, unknown> };
}
