-- Sinhala is class 1 in Joshi et al.'s published lang2tax list ("sinhalese": 1); the first languages migration had 0.
UPDATE "Language" SET "resourceClass" = 1 WHERE "code" = 'si' AND "resourceClass" = 0;
