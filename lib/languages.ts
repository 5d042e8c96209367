/**
 * Languages of GlobalMMLU (42) and MMLU-ProX (29): ISO 639-1 code, English name, main script,
 * and resource class 0–5 from Joshi et al. (2020), "The State and Fate of Linguistic Diversity
 * and Inclusion in the NLP World" (ACL 2020) — 5 = "winners" (most resources) … 0 = "left-behinds".
 * The classes follow the published lang2tax list (data/joshi-2020-classes.csv; languages.test.ts checks them).
 * The migrations write exactly this table into "Language" (scripts/languages-sql.ts wrote the first one;
 * tests/int/languages.int.test.ts compares the migrated table with this list).
 */
export interface LanguageInfo {
  code: string;
  name: string;
  script: string;
  resourceClass: number;
}

export const LANGUAGES: readonly LanguageInfo[] = [
  { code: "af", name: "Afrikaans", script: "Latin", resourceClass: 3 },
  { code: "am", name: "Amharic", script: "Ethiopic", resourceClass: 2 },
  { code: "ar", name: "Arabic", script: "Arabic", resourceClass: 5 },
  { code: "bn", name: "Bengali", script: "Bengali", resourceClass: 3 },
  { code: "cs", name: "Czech", script: "Latin", resourceClass: 4 },
  { code: "de", name: "German", script: "Latin", resourceClass: 5 },
  { code: "el", name: "Greek", script: "Greek", resourceClass: 3 },
  { code: "en", name: "English", script: "Latin", resourceClass: 5 },
  { code: "es", name: "Spanish", script: "Latin", resourceClass: 5 },
  { code: "fa", name: "Persian", script: "Arabic", resourceClass: 4 },
  { code: "fi", name: "Finnish", script: "Latin", resourceClass: 4 },
  { code: "fr", name: "French", script: "Latin", resourceClass: 5 },
  { code: "ha", name: "Hausa", script: "Latin", resourceClass: 2 },
  { code: "he", name: "Hebrew", script: "Hebrew", resourceClass: 3 },
  { code: "hi", name: "Hindi", script: "Devanagari", resourceClass: 4 },
  { code: "hu", name: "Hungarian", script: "Latin", resourceClass: 4 },
  { code: "id", name: "Indonesian", script: "Latin", resourceClass: 3 },
  { code: "ig", name: "Igbo", script: "Latin", resourceClass: 1 },
  { code: "it", name: "Italian", script: "Latin", resourceClass: 4 },
  { code: "ja", name: "Japanese", script: "Japanese", resourceClass: 5 },
  { code: "ko", name: "Korean", script: "Hangul", resourceClass: 4 },
  { code: "ky", name: "Kyrgyz", script: "Cyrillic", resourceClass: 1 },
  { code: "lt", name: "Lithuanian", script: "Latin", resourceClass: 3 },
  { code: "mg", name: "Malagasy", script: "Latin", resourceClass: 1 },
  { code: "mr", name: "Marathi", script: "Devanagari", resourceClass: 2 },
  { code: "ms", name: "Malay", script: "Latin", resourceClass: 3 },
  { code: "ne", name: "Nepali", script: "Devanagari", resourceClass: 1 },
  { code: "nl", name: "Dutch", script: "Latin", resourceClass: 4 },
  { code: "ny", name: "Chichewa", script: "Latin", resourceClass: 1 },
  { code: "pl", name: "Polish", script: "Latin", resourceClass: 4 },
  { code: "pt", name: "Portuguese", script: "Latin", resourceClass: 4 },
  { code: "ro", name: "Romanian", script: "Latin", resourceClass: 3 },
  { code: "ru", name: "Russian", script: "Cyrillic", resourceClass: 4 },
  { code: "si", name: "Sinhala", script: "Sinhala", resourceClass: 1 },
  { code: "sn", name: "Shona", script: "Latin", resourceClass: 1 },
  { code: "so", name: "Somali", script: "Latin", resourceClass: 1 },
  { code: "sr", name: "Serbian", script: "Cyrillic", resourceClass: 4 },
  { code: "sv", name: "Swedish", script: "Latin", resourceClass: 4 },
  { code: "sw", name: "Swahili", script: "Latin", resourceClass: 2 },
  { code: "te", name: "Telugu", script: "Telugu", resourceClass: 1 },
  { code: "th", name: "Thai", script: "Thai", resourceClass: 3 },
  { code: "tr", name: "Turkish", script: "Latin", resourceClass: 4 },
  { code: "uk", name: "Ukrainian", script: "Cyrillic", resourceClass: 3 },
  { code: "ur", name: "Urdu", script: "Arabic", resourceClass: 3 },
  { code: "vi", name: "Vietnamese", script: "Latin", resourceClass: 4 },
  { code: "wo", name: "Wolof", script: "Latin", resourceClass: 2 },
  { code: "yo", name: "Yoruba", script: "Latin", resourceClass: 2 },
  { code: "zh", name: "Chinese", script: "Han", resourceClass: 5 },
  { code: "zu", name: "Zulu", script: "Latin", resourceClass: 2 },
];

export const LANGUAGE_BY_CODE: ReadonlyMap<string, LanguageInfo> = new Map(LANGUAGES.map((l) => [l.code, l]));

export const RESOURCE_CLASS_LABELS: Record<number, string> = {
  0: "0 · left-behind",
  1: "1 · scraping-by",
  2: "2 · hopeful",
  3: "3 · rising star",
  4: "4 · underdog",
  5: "5 · winner",
};
