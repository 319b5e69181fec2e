import { Alert, List, Text } from '@mantine/core';
import { ApiError } from '../api/client';
import { plainWords, problemCode } from '../api/problems';

/**
 * A refusal or failure, said plainly: what it means (by its code), the server's
 * own detail, and each field at fault when there are any.
 */
export function ProblemAlert({ error, title = 'That did not work' }: { error: unknown; title?: string }) {
  if (error === undefined || error === null) return null;
  const problem = error instanceof ApiError ? error.problem : undefined;
  const detail = problem?.detail;
  const words = plainWords(error);
  return (
    <Alert color="red" title={title} role="alert" data-problem-code={problemCode(error)}>
      <Text size="sm">{words}</Text>
      {detail && detail !== words && (
        <Text size="sm" c="dimmed" mt={4}>
          {detail}
        </Text>
      )}
      {!!problem?.errors?.length && (
        <List size="sm" mt="xs">
          {problem.errors.map(({ field, detail: message }) => (
            <List.Item key={`${field}:${message}`}>
              <strong>{field}</strong>: {message}
            </List.Item>
          ))}
        </List>
      )}
    </Alert>
  );
}
