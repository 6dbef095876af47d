import { type ServerResponse, STATUS_CODES } from "node:http";
import { z } from "zod";
import { ConflictError, NotFoundError, ValidationError } from "../../domain/errors.js";
import { StoreUnavailableError } from "../../store/api.js";

/** An error answer as RFC 9457 has it, with the fields at fault as `errors[].field` paths. */
export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  errors: z
    .array(z.object({ field: z.string(), message: z.string() }))
    .optional()
    .describe("Each field at fault: `contacts[2].emails[0]`, a query or path parameter, or a header"),
});

export type Problem = z.infer<typeof problemSchema>;

export const PROBLEM_TYPE = "application/problem+json";

/** A problem of a status with no type of its own: `about:blank`, titled by the status (RFC 9457, 4.2.1). */
export function problem(status: number, detail: string, errors?: Problem["errors"]): Problem {
  return {
    type: "about:blank",
    title: STATUS_CODES[status] ?? "Error",
    status,
    detail,
    ...(errors && { errors }),
  };
}

/** The problem an error thrown by a service or a schema stands for; null for an unexpected one. */
export function problemOf(error: unknown): Problem | null {
  if (error instanceof ValidationError) {
    return problem(
      400,
      error.message,
      error.issues.map((i) => ({ field: i.field, message: i.message })),
    );
  }
  if (error instanceof NotFoundError) {
    return problem(404, error.message, [{ field: error.field, message: error.message }]);
  }
  if (error instanceof StoreUnavailableError) return problem(503, error.message);
  if (error instanceof ConflictError) return problem(409, error.message);
  return null;
}

export function sendProblem(res: ServerResponse, p: Problem, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(p);
  res.writeHead(p.status, {
    "content-type": PROBLEM_TYPE,
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}
