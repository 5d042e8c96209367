-- CreateTable
CREATE TABLE "PairedSignificance" (
    "runA" INTEGER NOT NULL,
    "runB" INTEGER NOT NULL,
    "languageCode" TEXT NOT NULL,
    "result" JSONB NOT NULL,
    "computedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PairedSignificance_pkey" PRIMARY KEY ("runA","runB","languageCode")
);

-- CreateIndex
CREATE INDEX "PairedSignificance_runB_idx" ON "PairedSignificance"("runB");

-- AddForeignKey
ALTER TABLE "PairedSignificance" ADD CONSTRAINT "PairedSignificance_runA_fkey" FOREIGN KEY ("runA") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PairedSignificance" ADD CONSTRAINT "PairedSignificance_runB_fkey" FOREIGN KEY ("runB") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;
