/**
 * lm-evaluation-harness `--log_samples` output (samples_<task>_<timestamp>.jsonl), one document per line:
 *   {"doc_id": 0, "doc": {...}, "target": 1,
 *    "arguments": [[ctx, " A"], [ctx, " B"], …]            (newer: {"gen_args_0": {"arg_0": ctx, "arg_1": " A"}, …})
 *    "resps": [[["-1.23", "False"]], [["-0.45", "True"]], …],
 *    "filtered_resps": [["-1.23", "False"], ["-0.45", "True"], …], …}
 * Per choice a [log-likelihood, is_greedy] pair (values possibly strings). Probabilities are the softmax
 * over the choices' log-likelihoods, optionally length-normalised first; the raw values are kept.
 */
import path from "node:path";
import { badInput, type ErrorLocation } from "../../../errors";
import { decide, finiteNumber, parseLabel, softmax } from "../numbers";
import type { FileContext, FormatSpec, ImportRecord, Normalize, RecordParser } from "../record";
import { parseJsonObject } from "./json-line";
import { parseTaskName, taskFromFileName, type TaskInfo } from "./task-name";
import { recordSliceFields } from "./slice-fields";

export const lmEval: FormatSpec = {
  name: "lm-eval",
  create(ctx: FileContext): RecordParser {
    const taskName = taskFromFileName(path.basename(ctx.name));
    const task: TaskInfo = taskName ? parseTaskName(taskName) : { task: "" };
    const norm = ctx.options.normalize;
    return {
      line(text: string, line: number): ImportRecord | null {
        if (text.trim() === "") return null;
        return sampleRecord(parseJsonObject(text, ctx.name, line), ctx, task, line);
      },
      end() {},
      scoringMethod: () => (norm === "none" ? "loglikelihood" : `loglikelihood/${norm}`),
    };
  },
};

function sampleRecord(
  o: Record<string, unknown>,
  ctx: FileContext,
  task: TaskInfo,
  line: number,
): ImportRecord {
  const at = (field?: string): ErrorLocation => ({ file: ctx.name, line, field });
  const docId = o.doc_id;
  if (typeof docId !== "number" && typeof docId !== "string") throw badInput(`missing doc_id`, at("doc_id"));
  const doc = isObject(o.doc) ? o.doc : {};

  const respField = o.filtered_resps !== undefined ? "filtered_resps" : "resps";
  const resps = o[respField];
  if (!Array.isArray(resps)) throw badInput(`missing resps/filtered_resps`, at("resps"));
  const ll = resps.map((r) => logLikelihood(r, at(respField)));

  const continuations = argumentContinuations(o.arguments, at("arguments"));
  if (continuations && continuations.length !== ll.length) {
    throw badInput(`${continuations.length} arguments but ${ll.length} responses`, at("arguments"));
  }
  const docOptions = optionTexts(doc);
  if (docOptions && docOptions.length !== ll.length) {
    throw badInput(`doc has ${docOptions.length} options but ${ll.length} responses`, at("doc"));
  }
  const choiceTexts = continuations?.map(stripDelimiter) ?? null;

  const scores = normalise(ll, choiceTexts, ctx.options.normalize, at("arguments"));
  const probs = softmax(scores);
  const gold = goldIndex(o, doc, docOptions, choiceTexts, ll.length, at);
  const subject =
    ctx.options.subject ?? task.subject ?? stringOr(doc.subject) ?? stringOr(doc.category) ?? null;
  const language = ctx.options.language ?? task.language;
  if (!language) {
    throw badInput(
      `no language: the task name "${task.task}" does not name one; pass --language`,
      at("language"),
    );
  }
  const { predicted, confidence } = decide(probs);
  return {
    line,
    language,
    externalId: externalId(doc, docId, subject),
    subject,
    slice: recordSliceFields((k) => doc[k], ctx, line, "doc."),
    text: stringOr(doc.question) ?? stringOr(doc.query) ?? null,
    options: docOptions ?? choiceTexts ?? [],
    optionCount: ll.length,
    gold,
    probs,
    logLikelihoods: ll,
    predicted,
    confidence,
    correct: predicted === gold,
  };
}

/** Unwraps [[ll, greedy]] (resps), [ll, greedy] (filtered_resps) or a bare value down to the number. */
function logLikelihood(r: unknown, where: ErrorLocation): number {
  let x = r;
  while (Array.isArray(x)) {
    if (x.length === 0) throw badInput(`empty response`, where);
    x = x[0];
  }
  if (typeof x === "string" && !/^\s*[-+]?[\d.]/.test(x) && !/^\s*[-+]?(nan|inf)/i.test(x)) {
    throw badInput(
      `response is text, not a log-likelihood: not a multiple-choice (loglikelihood) sample`,
      where,
    );
  }
  return finiteNumber(x, where);
}

/** The continuation scored for each choice: arguments[i][1], or gen_args_i.arg_1 in newer versions. */
function argumentContinuations(args: unknown, where: ErrorLocation): string[] | null {
  if (args === undefined || args === null) return null;
  let pairs: unknown[];
  if (Array.isArray(args)) pairs = args.map((a) => (Array.isArray(a) ? a[1] : undefined));
  else if (isObject(args)) {
    pairs = Object.keys(args)
      .filter((k) => /^gen_args_\d+$/.test(k))
      .sort((a, b) => Number(a.slice(9)) - Number(b.slice(9)))
      .map((k) => {
        const g = args[k];
        return isObject(g) ? g.arg_1 : undefined;
      });
  } else throw badInput(`arguments must be a list or an object`, where);
  if (pairs.length === 0) return null;
  if (!pairs.every((p): p is string => typeof p === "string"))
    throw badInput(`arguments without a continuation string`, where);
  return pairs;
}

/** lm-eval prepends the target delimiter (" ") to each choice; acc_norm measures the choice without it. */
function stripDelimiter(c: string): string {
  return c.startsWith(" ") ? c.slice(1) : c;
}

// Words, numbers and single punctuation marks: the units a BPE pre-tokenizer splits on.
const PRE_TOKEN = /\p{L}+|\p{N}+|[^\s\p{L}\p{N}]/gu;

function normalise(ll: number[], choices: string[] | null, mode: Normalize, where: ErrorLocation): number[] {
  if (mode === "none") return ll;
  if (!choices)
    throw badInput(`--normalize ${mode} needs the choice texts, but this sample has no arguments`, where);
  return ll.map((v, i) => {
    const len = mode === "per-char" ? [...choices[i]].length : (choices[i].match(PRE_TOKEN)?.length ?? 0);
    if (len === 0) throw badInput(`choice ${i} is empty: cannot normalise by its length`, where);
    return v / len;
  });
}

function optionTexts(doc: Record<string, unknown>): string[] | null {
  const strings = (v: unknown) =>
    Array.isArray(v) && v.every((s) => typeof s === "string") ? (v as string[]) : null;
  const direct = strings(doc.options) ?? strings(doc.choices) ?? strings(doc.endings);
  if (direct) return direct;
  if (isObject(doc.choices)) {
    const t = strings(doc.choices.text); // ARC: {text: [...], label: [...]}
    if (t) return t;
  }
  const lettered: string[] = [];
  for (let i = 0; i < 26; i++) {
    const v = doc[`option_${String.fromCharCode(97 + i)}`]; // GlobalMMLU: option_a … option_d
    if (typeof v !== "string") break;
    lettered.push(v);
  }
  return lettered.length > 0 ? lettered : null;
}

function goldIndex(
  o: Record<string, unknown>,
  doc: Record<string, unknown>,
  docOptions: string[] | null,
  choices: string[] | null,
  k: number,
  at: (field?: string) => ErrorLocation,
): number {
  const target = o.target;
  if (typeof target === "string") {
    const t = target.trim();
    // The answer text (doc_to_target returning a choice) or a letter choice like "B".
    for (const list of [choices, docOptions]) {
      const i = list ? list.findIndex((c) => c.trim() === t) : -1;
      if (i >= 0) return i;
    }
    if (/^\d+$/.test(t) || /^[A-Z]$/i.test(t)) return parseLabel(t, k, at("target"));
    throw badInput(
      `target ${JSON.stringify(target.slice(0, 60))} is not an option index, letter or text`,
      at("target"),
    );
  }
  if (typeof target === "number") return parseLabel(target, k, at("target"));
  if (Array.isArray(target))
    throw badInput(`several targets: not a single-answer multiple-choice sample`, at("target"));
  for (const key of ["answer_index", "answer", "label", "gold"]) {
    const v = doc[key];
    if (typeof v === "number" || typeof v === "string") return parseLabel(v, k, at(`doc.${key}`));
  }
  throw badInput(`no target and no answer in doc`, at("target"));
}

function externalId(doc: Record<string, unknown>, docId: number | string, subject: string | null): string {
  for (const key of ["sample_id", "question_id", "id"]) {
    const v = doc[key];
    if ((typeof v === "string" && v !== "") || typeof v === "number") return String(v);
  }
  // doc_id restarts at 0 in each per-subject task, so qualify it with the subject.
  return subject ? `${subject}/${docId}` : String(docId);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function stringOr(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}
