/**
 * A model folder's chat template: `chat_template` of tokenizer_config.json (a Jinja string, or a list of named
 * templates of which "default" is used), rendered with @huggingface/jinja — the same template language and variables
 * (messages, add_generation_prompt, bos_token, eos_token, …) as transformers' apply_chat_template.
 */
import { createHash } from "node:crypto";
import { Template } from "@huggingface/jinja";
import { badInput } from "../../lib/errors";

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface ChatTemplate {
  /** sha256 of the template text: stored with a run, so a changed template cannot silently join an old run. */
  hash: string;
  /** The conversation as text, ending with the assistant header (add_generation_prompt). */
  render(messages: readonly ChatMessage[]): string;
}

/** Special-token strings of tokenizer_config.json ("<bos>", or { content: "<bos>" } in older files). */
function tokenString(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (v && typeof v === "object" && typeof (v as { content?: unknown }).content === "string") return (v as { content: string }).content;
  return undefined;
}

function templateSource(config: Record<string, unknown>, file: string): string | null {
  const t = config.chat_template;
  if (t === undefined || t === null) return null;
  if (typeof t === "string") return t;
  if (Array.isArray(t)) {
    const named = t.find((x): x is { name: string; template: string } => x && typeof x === "object" && x.name === "default" && typeof x.template === "string");
    if (named) return named.template;
  }
  throw badInput("chat_template is neither a string nor a list with a \"default\" template", { file, field: "chat_template" });
}

/** The folder's chat template, or null when tokenizer_config.json has none. */
export function chatTemplateFromConfig(config: Record<string, unknown>, file: string): ChatTemplate | null {
  const source = templateSource(config, file);
  if (source === null) return null;
  let template: Template;
  try {
    template = new Template(source);
  } catch (e) {
    throw badInput(`chat_template does not parse: ${(e as Error).message}`, { file, field: "chat_template" });
  }
  const variables: Record<string, unknown> = { add_generation_prompt: true };
  for (const name of ["bos_token", "eos_token", "pad_token", "unk_token"]) {
    const s = tokenString(config[name]);
    if (s !== undefined) variables[name] = s;
  }
  return {
    hash: createHash("sha256").update(source).digest("hex"),
    render(messages) {
      try {
        return template.render({ ...variables, messages: messages.map((m) => ({ ...m })) });
      } catch (e) {
        throw badInput(`chat_template failed to render: ${(e as Error).message}`, { file, field: "chat_template" });
      }
    },
  };
}
