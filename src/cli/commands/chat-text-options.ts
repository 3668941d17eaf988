// Apart from chat-text.ts so that listing the commands (help) does not load the chat hub.
export const chatTextOptions = {
  json: { type: 'boolean', description: 'print the answer as JSON' },
  as: { type: 'string', description: 'act as this configured person (for commands that need one)' },
} as const;
