/**
 * When and how customers can chat (docs/availability.md):
 * - `live`: as always;
 * - `offline`: customers still write; a message that opens or reopens a conversation flags it
 *   offline, and the answer reaches them by email;
 * - `read-only`: customers read their conversation, the composer is off (`chat_disabled`);
 * - `hidden`: no launcher for visitors without a session; anyone who reaches the chat is treated as
 *   `offline`, so nothing they write is lost.
 */
export const chatModes = ['live', 'offline', 'read-only', 'hidden'] as const
export type ChatMode = (typeof chatModes)[number]

/** The modes a schedule can switch to outside its hours. */
export const closedModes = ['offline', 'read-only', 'hidden'] as const
export type ClosedChatMode = (typeof closedModes)[number]
