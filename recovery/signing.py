"""The manifest's signature: HMAC-SHA256 keyed by ``BACKUP_KEY``, written beside the manifest.

The checksums in the manifest find damage; only the signature finds tampering, since whoever
can change a file in the archive can change its checksum too. The key is read from the
environment of ``backup`` and ``restore`` alone, never from Django's settings: the web
server needs no copy, and the archive never holds one (README's 备份与恢复 says where it is
kept).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re

from django.utils.translation import gettext as _

from .errors import BackupError

KEY_VARIABLE = "BACKUP_KEY"
# Long enough that guessing it is hopeless; ``secrets.token_urlsafe(32)`` gives 43.
MIN_KEY_LENGTH = 32
HEX = re.compile(rb"[0-9a-f]{64}")


def backup_key(environ=os.environ) -> bytes | None:
    """The operators' key, or None when none is set; a short key is refused, never used."""
    value = environ.get(KEY_VARIABLE, "").strip()
    if not value:
        return None
    if len(value) < MIN_KEY_LENGTH:
        raise BackupError(
            _("BACKUP_KEY 太短（%(length)d 个字符，至少 %(minimum)d 个）：请换一个随机生成的密钥")
            % {"length": len(value), "minimum": MIN_KEY_LENGTH}
        )
    return value.encode()


def sign(manifest: bytes, key: bytes) -> bytes:
    """The signature member's content: the HMAC in hex, one line."""
    return hmac.new(key, manifest, hashlib.sha256).hexdigest().encode() + b"\n"


def signature_problem(manifest: bytes, signature: bytes | None, key: bytes | None) -> str | None:
    """None when ``key`` signed ``manifest``; otherwise why the archive cannot be trusted."""
    if signature is None:
        return _("备份没有签名：无法确认它出自你们自己的 manage.py backup，清单和校验和可能被改过")
    if key is None:
        return _("没有设置 BACKUP_KEY，无法验证备份的签名：请先从保管处取得密钥并设置")
    found = signature.strip()
    expected = sign(manifest, key).strip()
    if not HEX.fullmatch(found) or not hmac.compare_digest(found, expected):
        return _("备份的签名不符：清单在签名之后被改过，或者签名用的不是这个 BACKUP_KEY")
    return None
