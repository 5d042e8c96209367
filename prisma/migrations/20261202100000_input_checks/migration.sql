-- The database refuses what an importer must never write (issue 11, item 9; docs/import-limits.md). The importers
-- check the same limits first, so users see file:line:field errors; these constraints are the backstop for every
-- other writer (worker, scripts, hand-written SQL). Limits: lib/import/record-limits.ts.
-- Prediction.probs having exactly Question.optionCount entries spans two tables, which a CHECK cannot express; the
-- importers and the worker guarantee it, and both arrays are bounded here.

ALTER TABLE "Question"
  ADD CONSTRAINT "Question_optionCount_range" CHECK ("optionCount" BETWEEN 2 AND 26),
  ADD CONSTRAINT "Question_gold_range" CHECK ("gold" IS NULL OR ("gold" >= 0 AND "gold" < "optionCount")),
  ADD CONSTRAINT "Question_options_count" CHECK (
    CASE WHEN jsonb_typeof("options") = 'array' THEN jsonb_array_length("options") IN (0, "optionCount") ELSE false END
  ),
  ADD CONSTRAINT "Question_externalId_length" CHECK (octet_length("externalId") BETWEEN 1 AND 512);

ALTER TABLE "Prediction"
  ADD CONSTRAINT "Prediction_probs_shape" CHECK (
    "probs" IS NOT NULL AND array_ndims("probs") = 1 AND cardinality("probs") BETWEEN 2 AND 26
    AND 0 <= ALL ("probs") AND 1 >= ALL ("probs")
  ),
  ADD CONSTRAINT "Prediction_logLikelihoods_length" CHECK (
    "logLikelihoods" IS NULL OR cardinality("logLikelihoods") IN (0, cardinality("probs"))
  ),
  ADD CONSTRAINT "Prediction_predicted_range" CHECK ("predicted" >= 0 AND "predicted" < cardinality("probs")),
  ADD CONSTRAINT "Prediction_confidence_range" CHECK ("confidence" >= 0 AND "confidence" <= 1);
