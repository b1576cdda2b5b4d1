"""A file to import, opened safely and told apart as text: its encoding and delimiter.

- Only a regular file is read. The path is checked with `os.stat` before it is
  opened (a folder, a FIFO, a device such as ``/dev/zero`` or a socket is
  refused at once), then opened with ``O_NONBLOCK`` and checked again with
  `os.fstat`, so that a FIFO swapped in between cannot make the import wait
  for a writer that never comes.
- The encoding, told by the bytes: UTF-8 with or without a byte-order mark
  (Excel's "CSV UTF-8" writes one), UTF-16 with a byte-order mark (Excel's
  "Unicode text"), else Windows-1252 (Excel's plain "CSV" on Windows). A file
  without a mark is checked in one streamed pass before it is read: if it is
  not valid UTF-8 it is read as Windows-1252, unless it also holds UTF-8
  sequences (a file of mixed encodings) or bytes Windows-1252 does not define;
  then it is `UnreadableFile`, naming the line of the first bad byte.
- The delimiter, told by the header line: comma, semicolon (Excel in a locale
  whose decimal mark is a comma) or tab (Excel's "Unicode text"), whichever
  the header holds most of outside quotes; a comma on a tie.

Every pass reads the one open file (never the path again) in chunks, so memory
stays flat however large the file is. An empty file is the reader's to refuse
(it has no header row).
"""

import codecs
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

_CHUNK = 1 << 20
# A valid UTF-8 sequence of two to four bytes: in a file that is not UTF-8, its
# presence means the file mixes encodings (reading it as Windows-1252 would garble it).
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
ENCODING_LABELS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 with BOM",
    "utf-16": "UTF-16",
    "utf-16-le": "UTF-16",
    "utf-16-be": "UTF-16",
    "cp1252": "Windows-1252",
}
_DELIMITER_LABELS = {",": "comma", ";": "semicolon", "\t": "tab"}
_NOT_REGULAR = {
    stat.S_IFDIR: "a folder",
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFSOCK: "a socket",
}


class UnreadableFile(Exception):
    """The file cannot be read as text (missing, not a regular file, no permission, bad bytes)."""


@dataclass(frozen=True)
class TextForm:
    """How a file's bytes are text: its encoding and its delimiter."""

    encoding: str
    delimiter: str

    @property
    def label(self) -> str:
        """In words, e.g. "Windows-1252, semicolon-separated"."""
        encoding = ENCODING_LABELS.get(self.encoding, self.encoding)
        return f"{encoding}, {_DELIMITER_LABELS[self.delimiter]}-separated"


def _refuse_kind(path: Path, mode: int) -> None:
    if not stat.S_ISREG(mode):
        what = _NOT_REGULAR.get(stat.S_IFMT(mode), "not a regular file")
        raise UnreadableFile(f"{path} is {what}, not a CSV file; import a regular file")


def open_regular(path: Path) -> BinaryIO:
    """The file at `path` open for reading, if it is a regular file (see the module docstring)."""
    try:
        _refuse_kind(path, os.stat(path).st_mode)
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except FileNotFoundError:
        raise UnreadableFile(f"{path}: no such file") from None
    except OSError as error:
        raise UnreadableFile(f"Cannot read {path}: {error.strerror}") from None
    except ValueError:  # a NUL in the name
        raise UnreadableFile(f"{str(path)!r} is not a file name") from None
    try:
        _refuse_kind(path, os.fstat(fd).st_mode)
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb")


def head_encoding(head: bytes) -> str | None:
    """The encoding the first bytes tell on their own (a byte-order mark, UTF-16's NULs)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = head[:200]
    if len(sample) >= 4:
        odd_nuls = sample[1::2].count(0) / (len(sample) // 2)
        even_nuls = sample[0::2].count(0) / ((len(sample) + 1) // 2)
        if odd_nuls > 0.4 and even_nuls < 0.1:
            return "utf-16-le"
        if even_nuls > 0.4 and odd_nuls < 0.1:
            return "utf-16-be"
    return None


def sniff_encoding(raw: BinaryIO, path: Path, head: bytes) -> str:
    """The encoding of the open file whose first bytes are `head` (see the module docstring)."""
    told = head_encoding(head)
    if told is not None:
        return told
    if _decodes(raw, path, "utf-8"):
        return "utf-8"
    bad = first_bad_byte(raw, "utf-8")
    if _has_utf8_sequence(raw):
        raise UnreadableFile(
            f"{path} mixes UTF-8 with another encoding ({bad}); save it as"
            ' "CSV UTF-8" and import it again'
        )
    if _decodes(raw, path, "cp1252"):
        return "cp1252"
    raise UnreadableFile(
        f"{path} is neither UTF-8 nor Windows-1252 text ({first_bad_byte(raw, 'cp1252')});"
        ' save it as "CSV UTF-8"'
    )


def _decodes(raw: BinaryIO, path: Path, encoding: str) -> bool:
    """Whether the whole file decodes (read in chunks: memory stays flat)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        raw.seek(0)
        while chunk := raw.read(_CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    except OSError as error:
        raise UnreadableFile(f"Cannot read {path}: {error.strerror}") from None
    finally:
        raw.seek(0)
    return True


def _has_utf8_sequence(raw: BinaryIO) -> bool:
    raw.seek(0)
    tail = b""
    while chunk := raw.read(_CHUNK):
        if _UTF8_SEQUENCE.search(tail + chunk):
            return True
        tail = chunk[-3:]
    return False


def first_bad_byte(raw: BinaryIO, encoding: str) -> str:
    """Where the first byte that does not decode is: its value and line (read in chunks)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    lines = 1
    try:
        raw.seek(0)
        while chunk := raw.read(_CHUNK):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as error:
                # The error's offsets count the few bytes the decoder held from before.
                held = len(error.object) - len(chunk)
                start = max(0, error.start - held)
                line = lines + chunk[:start].count(b"\n")
                return f"byte 0x{chunk[start]:02x} on line {line}"
            lines += chunk.count(b"\n")
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:  # bytes held at the end: the file stops inside a character
        return f"it ends inside a character, on line {lines}"
    except OSError:
        pass
    return "it holds bytes that do not decode"


def sniff_delimiter(first_line: str) -> str:
    """The delimiter the header line holds most of outside quotes (a comma on a tie)."""
    counts = dict.fromkeys(_DELIMITER_LABELS, 0)
    quoted = False
    for char in first_line:
        if char == '"':
            quoted = not quoted
        elif char in "\r\n" and not quoted:
            break
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(counts.values())
    return "," if best == 0 or counts[","] == best else max(counts, key=counts.__getitem__)
