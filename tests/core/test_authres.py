"""Authentication-Results (RFC 8601 examples and real servers), Received-SPF, DKIM and ARC."""

from __future__ import annotations

import pytest

from mailtui.core.headers.authres import (
    parse_arc,
    parse_authentication_results,
    parse_dkim_signature,
    parse_received_spf,
)

# (value, authserv-id, [(method, result, {property: value})])
AUTHRES = [
    # RFC 8601 appendix B examples
    ("example.org 1; none", "example.org", []),
    (
        "example.com; spf=pass smtp.mailfrom=example.net",
        "example.com",
        [("spf", "pass", {"smtp.mailfrom": "example.net"})],
    ),
    (
        "example.com;\n  auth=pass (cram-md5) smtp.auth=sender@example.net;\n  spf=pass smtp.mailfrom=example.net",
        "example.com",
        [
            ("auth", "pass", {"smtp.auth": "sender@example.net"}),
            ("spf", "pass", {"smtp.mailfrom": "example.net"}),
        ],
    ),
    (
        "example.com;\n  sender-id=fail header.from=example.com;\n  dkim=pass (good signature) header.d=example.com",
        "example.com",
        [
            ("sender-id", "fail", {"header.from": "example.com"}),
            ("dkim", "pass", {"header.d": "example.com"}),
        ],
    ),
    # spaces around '=' and '.', quoted values, a method version, a reason
    (
        'mx.example.org; dkim/1 = pass reason="signature ok" header . d = "example.net"',
        "mx.example.org",
        [("dkim", "pass", {"header.d": "example.net"})],
    ),
    # comments holding ';' and nested parentheses do not split the header
    (
        "mx.example.org; spf=softfail (transitioning (domain; of) x) smtp.mailfrom=a@b.example",
        "mx.example.org",
        [("spf", "softfail", {"smtp.mailfrom": "a@b.example"})],
    ),
    # Exchange Online: no authserv-id at all
    (
        "spf=pass (sender IP is 192.0.2.44) smtp.mailfrom=partner.example; dkim=none (message not signed) "
        "header.d=none;dmarc=bestguesspass action=none header.from=partner.example;compauth=pass reason=109",
        None,
        [
            ("spf", "pass", {}),
            ("dkim", "none", {}),
            ("dmarc", "bestguesspass", {"action": "none"}),
            ("compauth", "pass", {}),
        ],
    ),
]


@pytest.mark.parametrize(("value", "authserv_id", "results"), AUTHRES)
def test_authentication_results(value: str, authserv_id: str | None, results: list) -> None:
    parsed = parse_authentication_results(value, ["example.com", "mx.example.org"])
    assert parsed.authserv_id == authserv_id
    assert [(r.method, r.result) for r in parsed.results] == [(m, r) for m, r, _ in results]
    for res, (_, _, props) in zip(parsed.results, results, strict=True):
        for key, want in props.items():
            assert res.prop(key) == want


def test_reason_and_comment_are_kept() -> None:
    parsed = parse_authentication_results(
        'mx.example.org; dkim=fail reason="bad sig" (2048-bit key) header.d=x'
    )
    (res,) = parsed.results
    assert res.reason == "bad sig" and res.comment == "2048-bit key" and res.prop("header.d") == "x"


@pytest.mark.parametrize(
    ("trusted", "authserv_id", "expected"),
    [
        (["mx.example.com"], "mx.example.com", True),
        (["MX.Example.COM"], "mx.example.com", True),  # authserv-ids compare case-insensitively
        (["mx.example.com"], "evil.example.net", False),
        ([], "mx.example.com", False),
        (["mx.example.com"], None, False),  # no authserv-id is never trusted
    ],
)
def test_trust_needs_a_configured_authserv_id(
    trusted: list[str], authserv_id: str | None, expected: bool
) -> None:
    value = (f"{authserv_id}; " if authserv_id else "") + "dkim=pass header.d=paypal.com"
    assert parse_authentication_results(value, trusted).trusted is expected


def test_unreadable_results_are_noted() -> None:
    parsed = parse_authentication_results("final.example; spf=fail smtp.mailfrom; dkim; =pass (open")
    assert [(r.method, r.result) for r in parsed.results] == [("spf", "fail")]
    assert any("unreadable result: dkim" in n for n in parsed.notes)
    assert "unclosed comment" in parsed.notes


def test_received_spf() -> None:
    spf = parse_received_spf(
        "Pass (mailfrom) identity=mailfrom; client-ip=203.0.113.25; helo=mail.example.org;\n"
        " envelope-from=alice@example.org; receiver=bob@example.com"
    )
    assert spf.result == "pass" and spf.comment == "mailfrom"
    assert dict(spf.pairs) == {
        "identity": "mailfrom",
        "client-ip": "203.0.113.25",
        "helo": "mail.example.org",
        "envelope-from": "alice@example.org",
        "receiver": "bob@example.com",
    }


# (value, domain, selector, algorithm, signed headers, bh present, note fragments)
DKIM = [
    (
        "v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.org;\n\ts=mail2024; t=1712657521;\n"
        "\tbh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;\n\th=From:To:Subject\n\t :Date;\n\tb=AbCd\n\t Ef==",
        "example.org",
        "mail2024",
        "rsa-sha256",
        ("From", "To", "Subject", "Date"),
        True,
        [],
    ),
    (
        "v=1; a=rsa-sha256; d=broken.example",
        "broken.example",
        None,
        "rsa-sha256",
        (),
        False,
        ["s= missing", "bh= missing", "h= missing", "b= missing"],
    ),
    (
        "v=1; a=rsa-sha1; d=old.example; s=s; h=to:subject; bh=x; b=y",
        "old.example",
        "s",
        "rsa-sha1",
        ("to", "subject"),
        True,
        ["rsa-sha1 is obsolete", "does not include From"],
    ),
]


@pytest.mark.parametrize(("value", "domain", "selector", "algorithm", "headers", "bh", "notes"), DKIM)
def test_dkim_signature(value, domain, selector, algorithm, headers, bh, notes) -> None:  # noqa: ANN001
    sig = parse_dkim_signature(value)
    assert (sig.domain, sig.selector, sig.algorithm) == (domain, selector, algorithm)
    assert sig.signed_headers == headers and sig.body_hash_present is bh
    for fragment in notes:
        assert any(fragment in n for n in sig.notes), (fragment, sig.notes)
    assert bool(sig.notes) == bool(notes)


@pytest.mark.parametrize(
    ("name", "value", "instance", "cv", "domain"),
    [
        (
            "ARC-Seal",
            "i=2; a=rsa-sha256; t=1712657523; cv=pass; d=google.com; s=arc-20160816; b=U2Vh",
            2,
            "pass",
            "google.com",
        ),
        (
            "ARC-Message-Signature",
            "i=1; a=rsa-sha256; c=relaxed/relaxed; d=microsoft.com; s=sel; h=From; bh=x; b=y",
            1,
            None,
            "microsoft.com",
        ),
        (
            "ARC-Authentication-Results",
            "i=1; mx.google.com; dkim=pass header.i=@sender.example; spf=pass",
            1,
            None,
            "mx.google.com",
        ),
        ("ARC-Seal", "a=rsa-sha256; d=x.example; b=z", None, None, "x.example"),
    ],
)
def test_arc_headers(name: str, value: str, instance: int | None, cv: str | None, domain: str) -> None:
    arc = parse_arc(name, value, ["mx.google.com"])
    assert (arc.instance, arc.chain_validation, arc.domain) == (instance, cv, domain)
    if arc.kind == "authentication-results":
        assert arc.results is not None and arc.results.trusted
        assert [(r.method, r.result) for r in arc.results.results] == [("dkim", "pass"), ("spf", "pass")]
    if instance is None:
        assert any("i=" in n for n in arc.notes) and any("cv=" in n for n in arc.notes)
