"""A large message's preview: its text parts, every other leaf an empty placeholder.

A backend that implements previews (`MailBackend.IMPLEMENTS_PARTS`; IMAP) rebuilds a small
MIME message with the same tree, each placeholder keeping its MIME header (type, file name)
and saying which part it stands for and how big it is. This module reads that format:
the pager's view of a preview, and which part an attachment stands for when it is saved.
"""

from __future__ import annotations

import dataclasses
import email
import email.policy

from mailtui.core.message.mimeparts import walk_parts
from mailtui.core.message.view import Attachment, MessageView, parse_message

OMITTED_PART = "X-Mailtui-Omitted-Part"
OMITTED_SIZE = "X-Mailtui-Omitted-Size"
ORIGINAL_SIZE = "X-Mailtui-Original-Size"


def omitted_part(raw: bytes, attachment: Attachment) -> str | None:
    """The part an attachment of a preview stands for (None: its bytes are in the preview)."""
    return _omitted(raw).get(attachment.part_path, (None, 0))[0]


def _omitted(raw: bytes) -> dict[str, tuple[str, int]]:
    """Part path (as in Attachment.part_path) -> (IMAP part, size) of every placeholder."""
    try:
        msg = email.message_from_bytes(raw, policy=email.policy.compat32)
        _parts, found = walk_parts(msg)
    except Exception:  # a broken preview has no placeholders worth fetching
        return {}
    result = {}
    for part, info in found:
        imap_part = str(part.get(OMITTED_PART, "")).strip()
        if imap_part:
            size = str(part.get(OMITTED_SIZE, "")).strip()
            result[info.path] = (imap_part, int(size) if size.isdigit() else info.size)
    return result


def preview_view(raw: bytes) -> MessageView:
    """The pager's view of a preview: real attachment sizes and a note on what was left out."""
    view = parse_message(raw)
    omitted = _omitted(raw)
    attachments = tuple(
        dataclasses.replace(a, size=omitted[a.part_path][1]) if a.part_path in omitted else a
        for a in view.attachments
    )
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    total = str(msg.get(ORIGINAL_SIZE, "")).strip()
    megabytes = int(total) / 1_000_000 if total.isdigit() else 0.0
    note = f"Large message ({megabytes:.1f} MB): attachments are fetched when saved."
    return dataclasses.replace(view, attachments=attachments, notes=(note, *view.notes))
