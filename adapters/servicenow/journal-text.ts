/**
 * Journal fields (work notes, comments) render whatever stands between `[code]` and `[/code]` as
 * HTML (glide.ui.security.allow_codetag, true by default). A note quotes what others wrote: a
 * failed host's stderr, a person's reason for rejecting or cancelling. With the tags intact, a
 * hostile host could put a link, a form or an image into the CAB's ticket. Their square brackets
 * become full-width ones, which ServiceNow does not read as a tag and a reader still reads.
 */
const CODE_TAG = /\[(\s*\/?\s*code\s*)\]/gi;

export const journalText = (text: string): string => text.replace(CODE_TAG, '［$1］');
