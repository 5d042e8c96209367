-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "RunStatus" AS ENUM ('queued', 'running', 'completed', 'failed', 'cancelled');

-- CreateEnum
CREATE TYPE "Provenance" AS ENUM ('worker', 'imported');

-- CreateTable
CREATE TABLE "Benchmark" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "optionCount" INTEGER NOT NULL,
    "description" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Benchmark_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Language" (
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "script" TEXT NOT NULL,
    "resourceClass" INTEGER NOT NULL,

    CONSTRAINT "Language_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "Model" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "family" TEXT NOT NULL,
    "baseModelId" INTEGER,
    "sftDataset" TEXT,
    "smoothing" DOUBLE PRECISION,
    "onnxPath" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Model_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Question" (
    "id" SERIAL NOT NULL,
    "benchmarkId" INTEGER NOT NULL,
    "languageCode" TEXT NOT NULL,
    "externalId" TEXT NOT NULL,
    "subject" TEXT,
    "text" TEXT,
    "options" JSONB NOT NULL DEFAULT '[]',
    "optionCount" INTEGER NOT NULL,
    "gold" INTEGER,

    CONSTRAINT "Question_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Run" (
    "id" SERIAL NOT NULL,
    "modelId" INTEGER NOT NULL,
    "benchmarkId" INTEGER NOT NULL,
    "scoringMethod" TEXT NOT NULL,
    "prompt" TEXT NOT NULL DEFAULT '',
    "shots" INTEGER NOT NULL DEFAULT 0,
    "status" "RunStatus" NOT NULL DEFAULT 'queued',
    "provenance" "Provenance" NOT NULL,
    "importKey" TEXT,
    "sourceFiles" JSONB NOT NULL DEFAULT '[]',
    "importerVersion" TEXT,
    "topLabelOnly" BOOLEAN NOT NULL DEFAULT false,
    "config" JSONB NOT NULL DEFAULT '{}',
    "progressDone" INTEGER NOT NULL DEFAULT 0,
    "progressTotal" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "Run_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RunSplit" (
    "runId" INTEGER NOT NULL,
    "languageCode" TEXT NOT NULL,
    "status" "RunStatus" NOT NULL DEFAULT 'queued',
    "done" INTEGER NOT NULL DEFAULT 0,
    "total" INTEGER NOT NULL DEFAULT 0,
    "questionsPerS" DOUBLE PRECISION,
    "etaSeconds" DOUBLE PRECISION,
    "jobId" TEXT,
    "error" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RunSplit_pkey" PRIMARY KEY ("runId","languageCode")
);

-- CreateTable
CREATE TABLE "Prediction" (
    "runId" INTEGER NOT NULL,
    "questionId" INTEGER NOT NULL,
    "probs" DOUBLE PRECISION[],
    "logLikelihoods" DOUBLE PRECISION[],
    "predicted" INTEGER NOT NULL,
    "confidence" DOUBLE PRECISION NOT NULL,
    "correct" BOOLEAN NOT NULL,

    CONSTRAINT "Prediction_pkey" PRIMARY KEY ("runId","questionId")
);

-- CreateTable
CREATE TABLE "RunLanguageStats" (
    "runId" INTEGER NOT NULL,
    "languageCode" TEXT NOT NULL,
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

    CONSTRAINT "RunLanguageStats_pkey" PRIMARY KEY ("runId","languageCode","binning")
);

-- CreateTable
CREATE TABLE "PublishedResult" (
    "id" SERIAL NOT NULL,
    "key" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "benchmarkId" INTEGER NOT NULL,
    "languageCode" TEXT,
    "family" TEXT NOT NULL,
    "sftDataset" TEXT,
    "smoothing" DOUBLE PRECISION,
    "accuracy" DOUBLE PRECISION,
    "entropy" DOUBLE PRECISION,
    "ece" DOUBLE PRECISION,
    "rms" DOUBLE PRECISION,
    "sourceTable" TEXT,

    CONSTRAINT "PublishedResult_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Benchmark_name_key" ON "Benchmark"("name");

-- CreateIndex
CREATE UNIQUE INDEX "Model_name_key" ON "Model"("name");

-- CreateIndex
CREATE INDEX "Model_family_idx" ON "Model"("family");

-- CreateIndex
CREATE INDEX "Question_benchmarkId_languageCode_idx" ON "Question"("benchmarkId", "languageCode");

-- CreateIndex
CREATE UNIQUE INDEX "Question_benchmarkId_languageCode_externalId_key" ON "Question"("benchmarkId", "languageCode", "externalId");

-- CreateIndex
CREATE UNIQUE INDEX "Run_importKey_key" ON "Run"("importKey");

-- CreateIndex
CREATE INDEX "Run_modelId_benchmarkId_idx" ON "Run"("modelId", "benchmarkId");

-- CreateIndex
CREATE INDEX "Prediction_questionId_idx" ON "Prediction"("questionId");

-- CreateIndex
CREATE INDEX "RunLanguageStats_languageCode_idx" ON "RunLanguageStats"("languageCode");

-- CreateIndex
CREATE UNIQUE INDEX "PublishedResult_key_key" ON "PublishedResult"("key");

-- CreateIndex
CREATE INDEX "PublishedResult_benchmarkId_languageCode_idx" ON "PublishedResult"("benchmarkId", "languageCode");

-- AddForeignKey
ALTER TABLE "Model" ADD CONSTRAINT "Model_baseModelId_fkey" FOREIGN KEY ("baseModelId") REFERENCES "Model"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Question" ADD CONSTRAINT "Question_benchmarkId_fkey" FOREIGN KEY ("benchmarkId") REFERENCES "Benchmark"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Question" ADD CONSTRAINT "Question_languageCode_fkey" FOREIGN KEY ("languageCode") REFERENCES "Language"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_modelId_fkey" FOREIGN KEY ("modelId") REFERENCES "Model"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_benchmarkId_fkey" FOREIGN KEY ("benchmarkId") REFERENCES "Benchmark"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RunSplit" ADD CONSTRAINT "RunSplit_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RunSplit" ADD CONSTRAINT "RunSplit_languageCode_fkey" FOREIGN KEY ("languageCode") REFERENCES "Language"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Prediction" ADD CONSTRAINT "Prediction_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Prediction" ADD CONSTRAINT "Prediction_questionId_fkey" FOREIGN KEY ("questionId") REFERENCES "Question"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RunLanguageStats" ADD CONSTRAINT "RunLanguageStats_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RunLanguageStats" ADD CONSTRAINT "RunLanguageStats_languageCode_fkey" FOREIGN KEY ("languageCode") REFERENCES "Language"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PublishedResult" ADD CONSTRAINT "PublishedResult_benchmarkId_fkey" FOREIGN KEY ("benchmarkId") REFERENCES "Benchmark"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PublishedResult" ADD CONSTRAINT "PublishedResult_languageCode_fkey" FOREIGN KEY ("languageCode") REFERENCES "Language"("code") ON DELETE SET NULL ON UPDATE CASCADE;
