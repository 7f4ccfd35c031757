"""Keys the signature tests share (tests/diagnostics/test_signatures.py and the Chinese
ones in test_i18n_spf_signatures.py): a GnuPG keyring, a short GnuPG home, an S/MIME CA
and signer, each made once per module that asks for it."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.diagnostics.test_signatures import SIGNER, _cert, _gpg


@pytest.fixture(scope="module")
def keyring() -> Iterator[Path]:
    home = Path(tempfile.mkdtemp(prefix="mt-gpg-"))  # short: gpg-agent's socket is made in it
    home.chmod(0o700)
    try:
        _gpg(home, "--passphrase", "", "--quick-gen-key", SIGNER, "ed25519", "sign", "never")
        yield home
    finally:
        subprocess.run(["gpgconf", "--homedir", str(home), "--kill", "all"], capture_output=True, timeout=30)
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture
def short_home() -> Iterator[Path]:
    """A GnuPG home with a short path: gpg-agent's socket lives in it, and a socket path has at
    most 107 bytes (pytest's tmp paths under xdist are longer than that)."""
    home = Path(tempfile.mkdtemp(prefix="mt-gpg-"))
    home.chmod(0o700)
    try:
        yield home
    finally:
        subprocess.run(["gpgconf", "--homedir", str(home), "--kill", "all"], capture_output=True, timeout=30)
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="module")
def smime(tmp_path_factory: pytest.TempPathFactory) -> tuple[object, object, Path]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _cert("Test Mail CA", ca_key, None, ca_key, ca=True)
    key = ec.generate_private_key(ec.SECP256R1())
    cert = _cert("Alice Signer", key, ca.subject, ca_key, ca=False, email="alice@example.org")
    ca_file = tmp_path_factory.mktemp("smime") / "ca.pem"
    ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    return cert, key, ca_file
