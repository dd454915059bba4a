/**
 * A run's result as a tool result with parts: the text `formatRunResult` writes, then the images
 * the run showed (a chart from matplotlib, a PNG from `display`), which models that accept images
 * in tool results can look at. Each API adapter maps these parts to its own shape.
 */
import type { RunResult } from '../shared/types.js';
import { formatRunResult, type FormatOptions } from './format-result.js';

/** One part of a tool result: text, or an image as base64. */
export type ToolResultPart = { type: 'text'; text: string } | { type: 'image'; mediaType: string; data: string };

/** Image types the common model APIs accept in tool results (SVG is not among them). */
export const MODEL_IMAGE_TYPES: readonly string[] = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];

/** Options of {@link runResultParts}. */
export interface ResultPartsOptions extends FormatOptions {
  /** The most images to attach (default 4; 0 attaches none). Later ones are counted in the text. */
  maxImages?: number;
}

/**
 * The parts of a tool result for `result`: the formatted text, then up to `maxImages` of its rich
 * outputs that are images a model can read.
 */
export function runResultParts(result: RunResult, options: ResultPartsOptions = {}): ToolResultPart[] {
  const maxImages = Math.max(0, Math.floor(options.maxImages ?? 4));
  const images = result.outputs.filter((output) => MODEL_IMAGE_TYPES.includes(output.mime)).slice(0, maxImages);
  const text = formatRunResult(result, { ...options, attachedImages: images.length });
  return [{ type: 'text', text }, ...images.map(({ mime, data }) => ({ type: 'image' as const, mediaType: mime, data }))];
}

/** A `tool_result` content block of Anthropic's Messages API. */
export interface AnthropicToolResult {
  type: 'tool_result';
  tool_use_id: string;
  content: Array<{ type: 'text'; text: string } | { type: 'image'; source: { type: 'base64'; media_type: string; data: string } }>;
  is_error?: boolean;
}

/** Parts as the `tool_result` block answering Anthropic's `tool_use` block `toolUseId`, images included. */
export function anthropicToolResult(toolUseId: string, parts: ToolResultPart[], isError = false): AnthropicToolResult {
  return {
    type: 'tool_result',
    tool_use_id: toolUseId,
    content: parts.map((part) => (part.type === 'text' ? part : { type: 'image', source: { type: 'base64', media_type: part.mediaType, data: part.data } })),
    ...(isError && { is_error: true }),
  };
}
