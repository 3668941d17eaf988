/**
 * The Block Kit rules Slack enforces on chat.postMessage / chat.update (integrations.md §1.9,
 * @slack/types block-kit/*.ts): a message breaking one is refused with `invalid_blocks` and an
 * `errors` list, exactly what the fake answers. Written independently of adapters/slack/block-kit.ts
 * so the renderer is checked against the rules, not against itself.
 */

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

const textObject = (value: unknown, where: string, max: number, kinds: string[], errors: string[]) => {
  if (!isObject(value)) return errors.push(`${where}: must be a text object`);
  if (!kinds.includes(String(value.type))) errors.push(`${where}.type: must be one of ${kinds.join(', ')}`);
  const text = value.text;
  if (typeof text !== 'string' || text.length < 1) return errors.push(`${where}.text: must be at least 1 character`);
  if (text.length > max) errors.push(`${where}.text: must be less than ${max + 1} characters [json-pointer:${where}/text]`);
};

const confirmRules = (confirm: unknown, where: string, errors: string[]) => {
  if (!isObject(confirm)) return errors.push(`${where}: must be an object`);
  textObject(confirm.title, `${where}/title`, 100, ['plain_text'], errors);
  textObject(confirm.text, `${where}/text`, 300, ['plain_text', 'mrkdwn'], errors);
  textObject(confirm.confirm, `${where}/confirm`, 30, ['plain_text'], errors);
  textObject(confirm.deny, `${where}/deny`, 30, ['plain_text'], errors);
};

const buttonRules = (element: unknown, where: string, errors: string[]) => {
  if (!isObject(element) || element.type !== 'button') return errors.push(`${where}: only buttons are supported by this fake`);
  textObject(element.text, `${where}/text`, 75, ['plain_text'], errors);
  if (typeof element.action_id !== 'string' || element.action_id.length > 255) errors.push(`${where}/action_id: must be a string of at most 255 characters`);
  if (element.value !== undefined && (typeof element.value !== 'string' || element.value.length > 2000)) errors.push(`${where}/value: must be less than 2001 characters`);
  if (element.style !== undefined && element.style !== 'primary' && element.style !== 'danger') errors.push(`${where}/style: must be primary or danger`);
  if (element.confirm !== undefined) confirmRules(element.confirm, `${where}/confirm`, errors);
};

const blockRules = (block: unknown, where: string, errors: string[]) => {
  if (!isObject(block)) return errors.push(`${where}: must be an object`);
  if (block.block_id !== undefined && (typeof block.block_id !== 'string' || block.block_id.length > 255)) errors.push(`${where}/block_id: at most 255 characters`);
  switch (block.type) {
    case 'header':
      return textObject(block.text, `${where}/text`, 150, ['plain_text'], errors);
    case 'section': {
      if (block.text === undefined && block.fields === undefined) return errors.push(`${where}: must have text or fields`);
      if (block.text !== undefined) textObject(block.text, `${where}/text`, 3000, ['plain_text', 'mrkdwn'], errors);
      if (block.fields !== undefined) {
        if (!Array.isArray(block.fields) || block.fields.length > 10) return errors.push(`${where}/fields: must be no more than 10 items`);
        block.fields.forEach((f, i) => textObject(f, `${where}/fields/${i}`, 2000, ['plain_text', 'mrkdwn'], errors));
      }
      return;
    }
    case 'context': {
      const elements = block.elements;
      if (!Array.isArray(elements) || elements.length < 1 || elements.length > 10) return errors.push(`${where}/elements: must have 1 to 10 items`);
      return elements.forEach((e, i) => textObject(e, `${where}/elements/${i}`, 3000, ['plain_text', 'mrkdwn'], errors));
    }
    case 'actions': {
      const elements = block.elements;
      if (!Array.isArray(elements) || elements.length < 1 || elements.length > 25) return errors.push(`${where}/elements: must have 1 to 25 items`);
      elements.forEach((e, i) => buttonRules(e, `${where}/elements/${i}`, errors));
      const ids = elements.map((e) => (e as Json).action_id);
      if (new Set(ids).size !== ids.length) errors.push(`${where}/elements: action_id must be unique within the block`);
      return;
    }
    case 'divider':
      return;
    default:
      errors.push(`${where}/type: unsupported block type ${String(block.type)}`);
  }
};

/** Slack's checks on a `blocks` argument; empty when Slack would accept it. */
export const blockErrors = (blocks: unknown): string[] => {
  const errors: string[] = [];
  if (!Array.isArray(blocks)) return ['must be an array [json-pointer:/blocks]'];
  if (blocks.length > 50) errors.push('must be less than 51 items [json-pointer:/blocks]');
  blocks.forEach((block, i) => blockRules(block, `/blocks/${i}`, errors));
  const ids = blocks.map((b) => (b as Json)?.block_id).filter((id) => id !== undefined);
  if (new Set(ids).size !== ids.length) errors.push('block_id must be unique [json-pointer:/blocks]');
  return errors;
};

/** Buttons of a message, for clicks: where they sit and what they carry. */
export const buttonsOf = (blocks: unknown[]): { blockId: string; actionId: string; value: string; text: string }[] =>
  blocks.flatMap((block, i) => {
    if (!isObject(block) || block.type !== 'actions' || !Array.isArray(block.elements)) return [];
    return block.elements.map((e) => {
      const element = e as Json;
      return { blockId: String(block.block_id ?? `blk${i}`), actionId: String(element.action_id), value: String(element.value ?? ''), text: String((element.text as Json).text) };
    });
  });
