// The error explain throws for a path it cannot explain.

/** A path explain cannot explain: `code` is the errno a syscall on it would fail with. */
export class ExplainError extends Error {
  constructor(
    readonly code: 'ENOENT' | 'ENOTDIR' | 'ELOOP' | 'EINVAL',
    message: string,
  ) {
    super(message);
    this.name = 'ExplainError';
  }
}
