"""What both probes say about the same trouble, written once for SMTP and IMAP.

No STARTTLS offered, a plaintext login refused, no password, a failed TLS handshake (with
the usual ports of `mailtui.config.DEFAULT_PORTS` as a hint), a timeout, an unreachable
host. The probes call these as `probe_messages.<name>(...)`.
"""

from __future__ import annotations

from mailtui.config import DEFAULT_PORTS, ServerKind, default_port
from mailtui.core.errors import EX_NOPERM, EX_TEMPFAIL, EX_USAGE
from mailtui.core.exit_codes import exit_code_for_failure
from mailtui.diagnostics.probe_session import ProbeError, StepStatus
from mailtui.tls import VerifyFailure


def tls_skipped(tls: str) -> tuple[str, StepStatus] | None:
    """The note of a tls stage with nothing to do (implicit TLS, or none), else None."""
    if tls == "ssl":
        return "implicit TLS, negotiated at connect", "skipped"
    if tls == "none":
        return "no TLS (--tls none)", "skipped"
    return None


def require_starttls(kind: ServerKind, host: str, port: int, offered: bool) -> None:
    """ProbeError (76) when --tls starttls meets a server that does not offer STARTTLS."""
    if not offered:
        raise ProbeError(
            f"{host}:{port} does not offer STARTTLS, but --tls starttls requires it. Use --tls ssl "
            f"(usually port {default_port(kind, 'ssl')}), or --tls none to probe without encryption.",
            exit_code=exit_code_for_failure("tls"),
        )


def plaintext_refused(user: str, host: str, port: int) -> ProbeError:
    return ProbeError(
        f"refusing to send the password of {user!r} over an unencrypted connection to "
        f"{host}:{port}. Use --tls starttls or ssl, or (trusted network only) --allow-plaintext-auth.",
        exit_code=EX_USAGE,
    )


def no_password(user: str) -> ProbeError:
    return ProbeError(f"no password for {user!r}", exit_code=EX_NOPERM)


def connection_closed() -> ProbeError:
    return ProbeError("the connection is closed", exit_code=EX_TEMPFAIL)


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
        " If you trust this server, pass its certificate (or CA) with --ca-file PEM; --no-verify accepts "
        "any certificate."
        if failure is not None
        else f" Check that --tls {tls} matches port {port} ({port_hint(kind)})."
    )
    return f"TLS with {where} failed during {stage}: {why}.{advice}"


def timed_out(where: str, timeout: float, stage: str) -> str:
    return f"{where} did not answer within {timeout:g} s during {stage}"


def unreachable(where: str, text: str) -> str:
    return f"cannot connect to {where}: {text}. Check host, port and that it is reachable."
