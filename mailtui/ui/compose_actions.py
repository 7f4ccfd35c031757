"""Entry points to compose for the browser, the pager and the app: new, reply, forward, drafts.

Each function takes the running `MailApp` and pushes a `ComposeScreen` (prefilled where it
applies). `check_recovered_drafts` belongs in the app's on_mount: it offers back drafts
left by a crashed or killed mailtui. `flush_outbox_now` retries the queued messages.

A reply or forward knows its source (folder and ref): once the compose screen closes
"sent" or "queued", the source gets \\Answered or $Forwarded (Maildir R / P, mbox A), on
a thread worker of the app, and the index shows the new flag. Queued counts: the
message is safe in the outbox and will be sent (or returned to you as a delivery
report), as mutt sets the flag once the message is handed to sendmail. Postponed or
discarded: the source is left as it was.
"""

from __future__ import annotations

import dataclasses
from email import policy
from email.parser import BytesHeaderParser
from functools import partial
from typing import TYPE_CHECKING, Any

from mailtui.core.compose import Draft, forward_draft, reply_draft
from mailtui.core.errors import MailtuiError
from mailtui.core.message.decode import decode_address_list
from mailtui.core.models import Flag, MessageRef
from mailtui.ui.screens.compose.workers import format_address_display, from_line, with_signature

if TYPE_CHECKING:
    from textual.app import App
    from textual.message import Message

    from mailtui.core.message.view import MessageView
    from mailtui.ui.screens.compose.compose import ComposeScreen
    from mailtui.ui.screens.compose.workers import EditorRunner

Source = tuple[str, MessageRef]  # the folder and message a reply or forward answers


def _session(app: App[Any]) -> Any:
    return app.session  # type: ignore[attr-defined]  # every app that composes is a MailApp (ui/app.py imports this module)


def open_compose(
    app: App[Any],
    draft: Draft | None = None,
    *,
    draft_id: str | None = None,
    editor_runner: EditorRunner | None = None,
    answers: tuple[Source, Flag] | None = None,
) -> ComposeScreen:
    """Push the compose screen: empty (with signature), or with `draft` (resumed when `draft_id`).

    With `answers`, the source message gets the flag once the message is sent or queued.
    """
    from mailtui.ui.screens.compose.compose import ComposeScreen

    screen = ComposeScreen(_session(app), draft, draft_id=draft_id, editor_runner=editor_runner)
    if answers is None:
        app.push_screen(screen)
    else:
        app.push_screen(screen, partial(_compose_closed, app, answers))
    return screen


def _compose_closed(app: App[Any], answers: tuple[Source, Flag], result: str | None) -> None:
    if result in ("sent", "queued"):
        (folder, ref), flag = answers
        mark_source(app, folder, ref, flag)


def mark_source(app: App[Any], folder: str, ref: MessageRef, flag: Flag) -> None:
    """Add `flag` to the message replied to or forwarded, and show it in the index.

    On a thread worker of the app (the compose screen is gone by now); the flags are read
    back from the backend, so the index shows what was stored (an mbox keeps no forwarded
    flag). A failure is a warning: the message itself went out.
    """
    from mailtui.ui.messages import FlagsChanged

    session = _session(app)
    word = "replied" if flag is Flag.ANSWERED else "forwarded"

    def run() -> None:
        try:
            refs = session.call(lambda b: b.set_flags(folder, [ref], add=frozenset({flag})))
            envelopes = session.call(lambda b: b.fetch_envelopes(folder, refs))
        except MailtuiError as exc:
            text = f"The original message was not marked {word}: {exc.message}"
            app.call_from_thread(app.notify, text, title=exc.title, severity="warning", markup=False)
            return
        app.call_from_thread(tell_index, app, FlagsChanged(folder, list(envelopes), [ref.key]))

    app.run_worker(run, thread=True, group="source-flags", exit_on_error=False)


def tell_index(app: App[Any], message: Message) -> None:
    """Tell the index (the browser screen, wherever it is in the stack): new flags, new counts."""
    from mailtui.ui.screens.browser.browser import BrowserScreen

    for screen in app.screen_stack:
        if isinstance(screen, BrowserScreen):
            screen.post_message(message)


def recount_folders(app: App[Any]) -> None:
    """Count the folders again and show it in the sidebar (a Sent copy was just stored).

    On a thread worker of the app (compose is closing); the counts are read from the
    backend. A failure says nothing: the message went out, and the next listing counts it.
    """
    from mailtui.ui.messages import FoldersListed

    session = _session(app)

    def run() -> None:
        try:
            folders = session.call(lambda b: b.list_folders())
        except MailtuiError:
            return
        app.call_from_thread(tell_index, app, FoldersListed(list(folders)))

    app.run_worker(run, thread=True, group="recount-folders", exit_on_error=False)


def _addresses(view: MessageView, name: str) -> str:
    """A header's addresses, decoded and re-quoted so that commas in names survive."""
    try:
        headers = BytesHeaderParser(policy=policy.compat32).parsebytes(view.raw)
        values = [str(v) for v in headers.get_all(name, [])]
    except Exception:  # the raw bytes of a mail are hostile input; the view's text is the fallback
        values = []
    if not values:
        fallback = {"from": view.sender, "to": view.to, "cc": view.cc, "reply-to": view.reply_to}
        return fallback.get(name.lower(), "")
    return ", ".join(format_address_display(n, a) for n, a in decode_address_list(values) if a)


def _readable(field: str) -> str:
    """Address text from core (RFC 2047 names) as the user should see and edit it."""
    return ", ".join(format_address_display(n, a) for n, a in decode_address_list(field) if a)


def open_reply(app: App[Any], view: MessageView, group: bool, source: Source | None = None) -> ComposeScreen:
    """Reply (or group reply: all recipients but me) to the message shown in `view`;
    `source` (where it is) is marked replied once the reply is sent."""
    account = _session(app).account
    draft = reply_draft(
        from_addr=from_line(account),
        subject=view.subject,
        sender=_addresses(view, "From"),
        to=_addresses(view, "To"),
        cc=_addresses(view, "Cc"),
        reply_to=_addresses(view, "Reply-To"),
        message_id=view.message_id,
        references=view.references,
        body=view.body,
        date=view.date,
        group=group,
        my_addresses=(account.from_address,) if account.from_address else (),
    )
    draft = dataclasses.replace(
        draft,
        to=_readable(draft.to),
        cc=_readable(draft.cc),
        body=with_signature(draft.body, account.signature),
    )
    return open_compose(app, draft, answers=(source, Flag.ANSWERED) if source else None)


def open_edit_as_new(app: App[Any], view: MessageView) -> ComposeScreen:
    """A new message with this one's recipients, subject and body (mutt's edit-as-new / resend).

    How a message kept in the Drafts folder (by mailtui on another machine, or by another
    client) is continued: the stored copy stays where it is until the new one is sent.
    Attachments are not carried over (the compose screen lists what is attached).
    """
    account = _session(app).account
    draft = Draft(
        from_addr=from_line(account),
        to=_readable(_addresses(view, "To")),
        cc=_readable(_addresses(view, "Cc")),
        subject=view.subject,
        body=view.body,
        in_reply_to=view.in_reply_to,
        references=view.references,
    )
    return open_compose(app, draft)


def open_forward(
    app: App[Any], view: MessageView, raw: bytes, as_attachment: bool, source: Source | None = None
) -> ComposeScreen:
    """Forward the message inline (quoted summary + body) or as a message/rfc822 attachment;
    `source` (where it is) is marked forwarded once it is sent."""
    account = _session(app).account
    draft = forward_draft(
        from_addr=from_line(account),
        subject=view.subject,
        sender=view.sender,
        to=view.to,
        cc=view.cc,
        date=view.date,
        body=view.body,
        raw=raw,
        as_attachment=as_attachment,
    )
    draft = dataclasses.replace(draft, body=with_signature(draft.body, account.signature))
    return open_compose(app, draft, answers=(source, Flag.FORWARDED) if source else None)


def _resume(app: App[Any], draft_id: str) -> None:
    from mailtui.store.drafts import Drafts

    try:
        draft = Drafts().load(draft_id)
    except MailtuiError as exc:
        app.notify(exc.message, title=exc.title, severity="error", markup=False)
        return
    open_compose(app, draft, draft_id=draft_id)


def open_drafts(app: App[Any]) -> None:
    """The postponed drafts picker: Enter resumes one in compose."""
    from mailtui.store.drafts import Drafts
    from mailtui.ui.screens.compose.drafts import DraftsDialog

    try:
        drafts = Drafts()
        items = drafts.list()
    except MailtuiError as exc:
        app.notify(exc.message, title=exc.title, severity="error", markup=False)
        return
    if not items:
        app.notify(
            "There are no postponed drafts. To continue a message stored in the Drafts folder, "
            "open it and press e (edit as new)."
        )
        return

    def chosen(draft_id: str | None) -> None:
        if draft_id:
            _resume(app, draft_id)

    hint = "Enter resumes, Delete deletes, Esc closes."
    app.push_screen(DraftsDialog(items, title="Postponed drafts", hint=hint, drafts=drafts), chosen)


def check_recovered_drafts(app: App[Any]) -> None:
    """Offer the drafts of a mailtui that died while composing (call from the app's on_mount)."""
    from mailtui.store.drafts import Drafts, forget_recovery, recovered_drafts
    from mailtui.ui.screens.compose.drafts import DraftsDialog

    try:
        drafts = Drafts()
        items = recovered_drafts(drafts)
    except MailtuiError as exc:
        app.notify(exc.message, title=exc.title, severity="warning", markup=False)
        return
    if not items:
        return

    def chosen(draft_id: str | None) -> None:
        # Offered once: the others stay as ordinary postponed drafts.
        forget_recovery(drafts, [i for i in items if i.draft_id != draft_id])
        if draft_id:
            _resume(app, draft_id)

    title = f"{len(items)} unsent draft(s) were left when mailtui stopped while composing"
    hint = "Enter resumes it; Esc keeps them as postponed drafts."
    app.push_screen(DraftsDialog(items, title=title, hint=hint, drafts=drafts), chosen)


def flush_outbox_now(app: App[Any]) -> None:
    """Retry every queued message now (forced), reporting the result as a notification."""
    session = _session(app)
    config = session.sending_config()

    async def flush() -> None:
        from mailtui.sending.dispatch import flush_outbox

        try:
            report = await flush_outbox(config, force=True, transcript=session.transcript)
        except MailtuiError as exc:
            app.notify(exc.message, title=exc.title, severity="error", markup=False)
            return
        if report.busy:
            app.notify("Another outbox flush is running; try again when it is done.", severity="warning")
        elif not (report.sent or report.failed):
            app.notify("The outbox is empty.")
        else:
            # "Not sent this time" is not lost: the message stays queued (or held, after a 5xx).
            lines = [f"{len(report.sent)} sent, {len(report.failed)} still in the outbox"]
            lines += [f"{ident}: {why}" for ident, why in report.failed.items()]
            app.notify(
                "\n".join(lines),
                title="Outbox retried",
                severity="warning" if report.failed else "information",
                timeout=10,
                markup=False,
            )

    app.run_worker(flush(), group="outbox-flush", exclusive=True, exit_on_error=False)
