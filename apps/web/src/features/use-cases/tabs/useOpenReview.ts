import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type Schema } from '../../../api/client';
import type { UseCaseDetail } from '../labels';
import { keys, useRefreshUseCase } from '../queries';

/** Opening a gate review (the next gate, or retirement with a reason); a 422 carries what the gate still needs. */
export function useOpenReview(useCase: UseCaseDetail) {
  const client = useQueryClient();
  const refresh = useRefreshUseCase(useCase.id);
  return useMutation({
    mutationFn: async (body: Schema<'OpenReviewDto'>) => unwrap(await api.POST('/api/use-cases/{id}/reviews', { params: { path: { id: useCase.id } }, body })),
    onSuccess: async () => {
      await Promise.all([client.invalidateQueries({ queryKey: keys.reviews(useCase.id) }), refresh(), client.invalidateQueries({ queryKey: ['inbox'] })]);
    },
  });
}
