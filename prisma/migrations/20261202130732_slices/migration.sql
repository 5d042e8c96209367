-- Slices (issue 14 part 1; docs/analysis.md "Slices"): what the datasets say about each question, and the
-- per-(run, language, slice) statistics the sliced views read.

-- AlterTable
ALTER TABLE "Question" ADD COLUMN     "culturalLabel" TEXT,
ADD COLUMN     "src" TEXT,
ADD COLUMN     "subjectCategory" TEXT;

-- The importers' and loaders' limits (lib/slices/fields.ts), so no other writer stores what they refuse.
ALTER TABLE "Question"
  ADD CONSTRAINT "Question_culturalLabel_value" CHECK ("culturalLabel" IS NULL OR "culturalLabel" IN ('CS', 'CA')),
  ADD CONSTRAINT "Question_subjectCategory_length" CHECK (char_length("subjectCategory") BETWEEN 1 AND 200),
  ADD CONSTRAINT "Question_src_length" CHECK (char_length("src") BETWEEN 1 AND 200);

-- CreateTable
CREATE TABLE "RunSliceStats" (
    "runId" INTEGER NOT NULL,
    "languageCode" TEXT NOT NULL,
    "slice" TEXT NOT NULL,
    "binning" TEXT NOT NULL,
    "bins" INTEGER NOT NULL,
    "n" INTEGER NOT NULL,
    "accuracy" DOUBLE PRECISION NOT NULL,
    "confidence" DOUBLE PRECISION NOT NULL,
    "overconfidence" DOUBLE PRECISION NOT NULL,
    "entropyBits" DOUBLE PRECISION NOT NULL,
    "ece" DOUBLE PRECISION NOT NULL,
    "rms" DOUBLE PRECISION NOT NULL,
    "mce" DOUBLE PRECISION NOT NULL,
    "smece" DOUBLE PRECISION NOT NULL,
    "sce" DOUBLE PRECISION,
    "ace" DOUBLE PRECISION,
    "brier" DOUBLE PRECISION,
    "nll" DOUBLE PRECISION,
    "intervals" JSONB NOT NULL,
    "reliability" JSONB NOT NULL,
    "smoothCurve" JSONB NOT NULL,
    "computedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RunSliceStats_pkey" PRIMARY KEY ("runId","languageCode","slice","binning")
);

-- CreateIndex
CREATE INDEX "RunSliceStats_slice_binning_idx" ON "RunSliceStats"("slice", "binning");

-- AddForeignKey
ALTER TABLE "RunSliceStats" ADD CONSTRAINT "RunSliceStats_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RunSliceStats" ADD CONSTRAINT "RunSliceStats_languageCode_fkey" FOREIGN KEY ("languageCode") REFERENCES "Language"("code") ON DELETE RESTRICT ON UPDATE CASCADE;
