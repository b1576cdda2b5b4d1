"""Who may open the app: a token printed at start, or passwords from a file; the cookie.

Jupyter's convention: the page and the WebSocket both need a valid sign-in, which is
the token (or a password) once, then a cookie; the WebSocket must also come from the
page's own origin, so no other web page open in the same browser can drive the app.
"""

import hmac
import secrets
import stat
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

COOKIE = "accountreview-session"
MAX_PASSWORD_FILE = 64 * 1024
LOOPBACK = ("127.0.0.1", "localhost", "::1")


class SignInProblem(ValueError):
    """The password file or the host cannot be used; the message says why and where."""


@dataclass
class SignIn:
    """The secrets that open a session, and the sessions signed in so far.

    `passwords` maps each password to the rep it signs in as (None: the rep given
    with --rep or remembered in the database)."""

    passwords: dict[str, str | None]
    token_printed: bool
    sessions: dict[str, str | None] = field(default_factory=dict)

    def check(self, secret: str) -> tuple[bool, str | None]:
        """Whether `secret` is a token or password, and the rep it signs in as.

        Every password is compared, in constant time, whatever matched first."""
        found: tuple[bool, str | None] = (False, None)
        for password, rep in self.passwords.items():
            if hmac.compare_digest(secret.encode(), password.encode()):
                found = (True, rep)
        return found

    def open_session(self, rep: str | None) -> str:
        """A new random cookie value for a signed-in browser."""
        key = secrets.token_urlsafe(32)
        self.sessions[key] = rep
        return key

    def session(self, cookie: str | None) -> tuple[bool, str | None]:
        """Whether the cookie is one this server gave, and its rep."""
        if not cookie:
            return (False, None)
        for key, rep in self.sessions.items():
            if hmac.compare_digest(cookie.encode(), key.encode()):
                return (True, rep)
        return (False, None)


def with_token(rep: str | None) -> tuple[SignIn, str]:
    """A sign-in by a fresh random token (printed at start), and the token."""
    token = secrets.token_urlsafe(24)
    return SignIn({token: rep}, token_printed=True), token


def from_password_file(path: Path, rep: str | None) -> SignIn:
    """Read a password file: one line, a password shared by all (who act as --rep, or
    the rep remembered in the database); or one line per person, `REP<TAB>PASSWORD`
    (REP: a name, email or id), each signing in as that person."""
    text = _read_private(path)
    lines = [line.rstrip("\r") for line in text.split("\n") if line.strip()]
    if not lines:
        raise SignInProblem(f"{path}: the password file is empty")
    if len(lines) == 1 and "\t" not in lines[0]:
        return SignIn({_password(lines[0], path, 1): rep}, token_printed=False)
    passwords: dict[str, str | None] = {}
    for number, line in enumerate(lines, 1):
        who, tab, password = line.partition("\t")
        if not tab or not who.strip():
            raise SignInProblem(f"{path}, line {number}: expected REP<TAB>PASSWORD")
        secret = _password(password, path, number)
        if secret in passwords:
            raise SignInProblem(f"{path}, line {number}: two people have the same password")
        passwords[secret] = who.strip()
    return SignIn(passwords, token_printed=False)


def _password(text: str, path: Path, number: int) -> str:
    if len(text) < 8:
        raise SignInProblem(f"{path}, line {number}: a password needs at least 8 characters")
    return text


def _read_private(path: Path) -> str:
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise SignInProblem(f"{path}: the password file is not a regular file")
        if info.st_mode & 0o077:
            raise SignInProblem(f"{path}: others may read the password file (chmod 600 it)")
        if info.st_size > MAX_PASSWORD_FILE:
            raise SignInProblem(f"{path}: the password file is larger than 64 KiB")
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise SignInProblem(f"{path}: the password file is not UTF-8 text") from None
    except OSError as error:
        raise SignInProblem(f"{path}: cannot read the password file ({error.strerror})") from None


def is_loopback(host: str) -> bool:
    """Whether binding to `host` serves this machine only."""
    return host in LOOPBACK or host.startswith("127.")


def allowed_origins(public_url: str, host: str, port: int) -> frozenset[str]:
    """The origins a WebSocket may come from: the public address's, and on a loopback
    bind the same port on each loopback name."""
    parts = urlsplit(public_url)
    origins = {f"{parts.scheme}://{parts.netloc}".lower()}
    if is_loopback(host):
        origins |= {f"http://{name}:{port}" for name in ("127.0.0.1", "localhost", "[::1]")}
    return frozenset(origins)
