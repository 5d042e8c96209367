/**
 * The form fields of POST /api/imports. Empty strings count as absent (HTML forms send them), unknown
 * fields are rejected so a typo such as "benchmrk" is a 400 naming it rather than silently ignored.
 */
import { z } from "zod";
import { badInput, type AtlasError } from "../../errors";
import { DECIMAL } from "../read/numbers";
import { FORMATS, NORMALIZATIONS } from "../read/record";

// A NUL cannot be stored in Postgres text or jsonb: refused here as the field's error, never an internal one at the
// job's insert.
const name = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .refine((s) => !s.includes("\0"), "contains a NUL character");
const numeric = z
  .string()
  .trim()
  .regex(DECIMAL, "must be a number")
  .transform(Number);

export const ImportFields = z.strictObject({
  model: name,
  benchmark: name,
  base: name.optional(),
  sft: name.optional(),
  family: name.optional(),
  beta: numeric.pipe(z.number().min(0).max(1)).optional(),
  options: numeric.pipe(z.number().int().min(2).max(100)).optional(),
  language: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z]{2,3}$/, "must be an ISO 639 code of 2–3 letters")
    .optional(),
  subject: name.optional(),
  format: z.enum(FORMATS).optional(),
  normalize: z.enum(NORMALIZATIONS).optional(),
  renormalize: z
    .enum(["true", "false", "1", "0", "on"])
    .transform((v) => v === "true" || v === "1" || v === "on")
    .optional(),
});

export type ImportFieldValues = z.infer<typeof ImportFields>;

export function parseImportFields(raw: Record<string, string>): ImportFieldValues {
  const present = Object.fromEntries(Object.entries(raw).filter(([, v]) => v.trim() !== ""));
  const r = ImportFields.safeParse(present);
  if (r.success) return r.data;
  throw zodError(r.error);
}

function zodError(err: z.ZodError): AtlasError {
  const issue = err.issues[0];
  if (issue.code === "unrecognized_keys")
    return badInput(`unknown field "${issue.keys[0]}"`, { field: issue.keys[0] });
  const field = String(issue.path[0] ?? "");
  // badInput puts `field "x": ` in front of the message itself.
  const message = issue.code === "invalid_type" && issue.input === undefined ? "required, missing" : issue.message;
  return badInput(message, { field });
}
