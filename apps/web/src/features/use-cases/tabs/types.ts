import type { UseCaseDetail } from '../labels';

/** What every section of the use case page gets: the use case as last read, and whether the signed-in person may change it. */
export interface TabProps {
  useCase: UseCaseDetail;
  canChange: boolean;
}
