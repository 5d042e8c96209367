-- DropIndex
DROP INDEX "Question_benchmarkId_languageCode_idx";
