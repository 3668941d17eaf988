// Apart from chat-text.ts so that listing the commands (help) does not load the chat hub.
export const chatTextOptions = {
  json: { type: 'boolean', description: 'print the answer as JSON' },
  as: { type: 'string', description: 'act as this configured person (for commands that need one)' },
} as const;

/** `--page N` for the commands whose answers have lists: what `… page N` asks in chat. */
export const pageOption = {
  page: { type: 'string', description: "show page N of the answer's lists (missing, status, pending, reboots, compliance, changes); --json holds them whole" },
} as const;
