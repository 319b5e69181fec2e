import { rolesAskedAgain } from './review-notices';

describe('who a change to an open review asks again', () => {
  it('asks for the roles whose missing approvals grew: a new slot, a larger quorum, approvals gone stale', () => {
    expect(rolesAskedAgain([{ role: 'developer', quorum: 1 }], [{ role: 'developer', quorum: 1 }, { role: 'assessor', quorum: 1 }])).toEqual(['assessor']);
    expect(rolesAskedAgain([{ role: 'assessor', quorum: 1 }], [{ role: 'assessor', quorum: 2 }])).toEqual(['assessor']);
    expect(rolesAskedAgain([], [{ role: 'legal', quorum: 1 }])).toEqual(['legal']);
  });

  it('asks nobody when nothing more is missing than before', () => {
    expect(rolesAskedAgain([{ role: 'developer', quorum: 1 }, { role: 'legal', quorum: 1 }], [{ role: 'developer', quorum: 1 }])).toEqual([]);
  });
});
