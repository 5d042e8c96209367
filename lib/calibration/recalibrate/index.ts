/**
 * Post-hoc recalibration what-if: temperature scaling, histogram binning and isotonic regression,
 * fitted per language, on English only, or pooled, and scored out of sample by k-fold cross-validation
 * with folds by question. Pure functions over typed arrays; definitions in docs/analysis.md.
 */
export { minimizeOnLogScale, type Minimum } from "./optimize";
export { logScores, scoreSubset, type ScoreRows } from "./scores";
export { TEMPERATURE_RANGE, fitTemperature, temperatureNll, scaleProbabilities, scaledConfidence, type TemperatureFit, type TemperatureTarget } from "./temperature";
export { DEFAULT_HISTOGRAM_BINS, fitHistogram, applyHistogram, type HistogramMap } from "./histogram";
export { fitIsotonic, applyIsotonic, type IsotonicMap } from "./isotonic";
export {
  RECALIBRATION_METHODS,
  METHOD_LABELS,
  FIT_LABELS,
  FIT_SCOPES,
  DEFAULT_FOLDS,
  DEFAULT_CV_SEED,
  ENGLISH,
  questionFolds,
  fitMethod,
  crossValidate,
  type RecalibrationMethod,
  type FitScope,
  type RecalibrationData,
  type Fitted,
  type CrossValidated,
  type CrossValidationOptions,
} from "./crossval";
export { eceOf, eceByLanguage, type LanguageEce, type EceColumn, type EceSummaryOptions } from "./summary";
