/**
 * A Better Auth call the runtime cannot turn into SQL: an unknown model,
 * field or operator, or a value of the wrong shape. It is raised before any
 * statement is sent, and its message names the model, field or operator but
 * never a value (values are tokens and email addresses).
 */
export class InvalidQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidQueryError";
  }
}
