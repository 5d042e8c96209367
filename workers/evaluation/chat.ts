/**
 * Chat templates for runs: at plan time the model folder's chat_template is read and its hash stored with the run
 * (config.chat, and the idempotency key); the job renders prompts through the same template and refuses one that
 * changed since, so a run never mixes prompts of two templates.
 */
import { badInput } from "../../lib/errors";
import { chatTemplateFromConfig, resolveModelFolder, type LoadedModel } from "../model";
import { resolveModelFile } from "../model/paths";
import { readJson } from "../model/tokenizer";
import { chatFormat, PLAIN_FORMAT, type FewshotMode, type PromptFormat } from "../scoring";
import { chatMode, type EvaluationRequest } from "./request";

/** What a run stores about its chat template (Run.config.chat). */
export interface RunChat {
  mode: FewshotMode;
  /** sha256 of the chat_template text. */
  templateHash: string;
}

export function chatForRequest(req: EvaluationRequest, onnxPath: string): RunChat | null {
  const mode = chatMode(req);
  if (!mode) return null;
  const configPath = resolveModelFile(resolveModelFolder(onnxPath), "tokenizer_config.json");
  if (!configPath) throw badInput(`model "${req.model}" has no tokenizer_config.json, so no chat template to apply`, { field: "applyChatTemplate" });
  const template = chatTemplateFromConfig(readJson(configPath) as Record<string, unknown>, configPath);
  if (!template) throw badInput(`model "${req.model}" has no chat_template in tokenizer_config.json (a base model?)`, { file: configPath, field: "applyChatTemplate" });
  return { mode, templateHash: template.hash };
}

export function formatForRun(model: LoadedModel, chat: RunChat | null | undefined): PromptFormat {
  if (!chat) return PLAIN_FORMAT;
  const template = model.chatTemplate;
  if (!template) throw new Error(`the model folder ${model.folder} no longer has a chat_template; the run was planned with one`);
  if (template.hash !== chat.templateHash) {
    throw new Error(`the chat_template of ${model.folder} changed since the run was planned (${chat.templateHash.slice(0, 12)} → ${template.hash.slice(0, 12)}): evaluate again for a new run`);
  }
  return chatFormat(template, chat.mode);
}
