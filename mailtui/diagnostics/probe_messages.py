"""What both probes say about the same trouble, written once for SMTP and IMAP.

No STARTTLS offered, a plaintext login refused, no password, a failed TLS handshake (with
the usual ports of `mailtui.config.DEFAULT_PORTS` as a hint), a timeout, an unreachable
host. The probes call these as `probe_messages.<name>(...)`.
"""

from __future__ import annotations

from mailtui.config import DEFAULT_PORTS, ServerKind, default_port
from mailtui.core.errors import EX_NOPERM, EX_TEMPFAIL, EX_USAGE
from mailtui.core.exit_codes import exit_code_for_failure
from mailtui.core.i18n import tr
from mailtui.diagnostics.probe_session import ProbeError, StepStatus
from mailtui.tls import VerifyFailure


def tls_skipped(tls: str) -> tuple[str, StepStatus] | None:
    """The note of a tls stage with nothing to do (implicit TLS, or none), else None."""
    if tls == "ssl":
        return tr("implicit TLS, negotiated at connect"), "skipped"
    if tls == "none":
        return tr("no TLS (--tls none)"), "skipped"
    return None


def require_starttls(kind: ServerKind, host: str, port: int, offered: bool) -> None:
    """ProbeError (76) when --tls starttls meets a server that does not offer STARTTLS."""
    if not offered:
        raise ProbeError(
            tr(
                "{host}:{port} does not offer STARTTLS, but --tls starttls requires it. Use --tls ssl "
                "(usually port {ssl_port}), or --tls none to probe without encryption.",
                host=host,
                port=port,
                ssl_port=default_port(kind, "ssl"),
            ),
            exit_code=exit_code_for_failure("tls"),
        )


def plaintext_refused(user: str, host: str, port: int) -> ProbeError:
    return ProbeError(
        tr(
            "refusing to send the password of {user} over an unencrypted connection to "
            "{host}:{port}. Use --tls starttls or ssl, or (trusted network only) --allow-plaintext-auth.",
            user=repr(user),
            host=host,
            port=port,
        ),
        exit_code=EX_USAGE,
    )


def no_password(user: str) -> ProbeError:
    return ProbeError(tr("no password for {user}", user=repr(user)), exit_code=EX_NOPERM)


def connection_closed() -> ProbeError:
    return ProbeError(tr("the connection is closed"), exit_code=EX_TEMPFAIL)


def port_hint(kind: ServerKind) -> str:
    """The usual ports by TLS mode, as a hint: "465: ssl, 587: starttls, 25: none"."""
    modes: dict[int, list[str]] = {}
    for mode, port in DEFAULT_PORTS[kind].items():
        modes.setdefault(port, []).append(mode)
    return ", ".join(f"{port}: {' or '.join(names)}" for port, names in modes.items())


def tls_failed(
    kind: ServerKind, where: str, stage: str, failure: VerifyFailure | None, text: str, tls: str, port: int
) -> str:
    """A failed TLS handshake: why (the certificate check, else the error text) and what to try."""
    why = failure.reason if failure is not None else text.rstrip(".")
    advice = (
        tr(
            " If you trust this server, pass its certificate (or CA) with --ca-file PEM; --no-verify "
            "accepts any certificate."
        )
        if failure is not None
        else tr(
            " Check that --tls {tls} matches port {port} ({hint}).", tls=tls, port=port, hint=port_hint(kind)
        )
    )
    return tr("TLS with {where} failed during {stage}: {why}.", where=where, stage=stage, why=why) + advice


def timed_out(where: str, timeout: float, stage: str) -> str:
    return tr(
        "{where} did not answer within {timeout} s during {stage}",
        where=where,
        timeout=f"{timeout:g}",
        stage=stage,
    )


def unreachable(where: str, text: str) -> str:
    return tr(
        "cannot connect to {where}: {text}. Check host, port and that it is reachable.",
        where=where,
        text=text,
    )
