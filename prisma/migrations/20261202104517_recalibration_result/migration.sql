-- CreateTable
CREATE TABLE "RecalibrationResult" (
    "runId" INTEGER NOT NULL,
    "method" TEXT NOT NULL,
    "statsVersion" TEXT NOT NULL,
    "result" JSONB NOT NULL,
    "computedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RecalibrationResult_pkey" PRIMARY KEY ("runId","method")
);

-- AddForeignKey
ALTER TABLE "RecalibrationResult" ADD CONSTRAINT "RecalibrationResult_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;
