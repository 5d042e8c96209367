/** Local GlobalMMLU and MMLU-ProX files (Parquet, JSONL, CSV) read into normalised questions. */
export { loadDataset, readDatasetFile, detectLayout, type LoadDatasetOptions, type LoadedDataset, type ReadDatasetOptions, type DatasetFileContent } from "./read";
export { scanDataset, fileQuestionBatches, type QuestionBatch } from "./read";
export { listDatasetFiles, describeName, formatOf, type DatasetFileOptions } from "./files";
export { selectShots } from "./shots";
export type { DatasetFile, DatasetFormat, DatasetLayout, DatasetQuestion, DatasetSplit } from "./types";
