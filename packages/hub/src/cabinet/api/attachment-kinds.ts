import type { AttachmentKind } from '../attachments.js';
import { drawingAttachments } from '../drawings/attach.js';
import { fileAttachments } from '../files/attach.js';

/** What a post may carry: uploaded files and schema drawings (each its own module, joined here). */
export const CABINET_ATTACHMENT_KINDS: readonly AttachmentKind[] = [fileAttachments, drawingAttachments];
