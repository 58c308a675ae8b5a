"""Uploads on the server's disk, with a name no earlier picture ever had.

Pictures are served for a year as immutable (``config/media.py``). That holds only if a name
never comes back with other content: without this, an editor who deletes ``cover.jpg`` and
uploads another ``cover.jpg`` would get the old name, and so would its renditions, whose
names come from the original's. So every original picture gets a short random suffix.
"""

import os
import secrets

from django.core.files.storage import FileSystemStorage

UNIQUE_FOLDERS = ("original_images/",)


class UniqueImageNameStorage(FileSystemStorage):
    def get_available_name(self, name: str, max_length: int | None = None) -> str:
        if name.replace("\\", "/").startswith(UNIQUE_FOLDERS):
            root, extension = os.path.splitext(name)
            name = f"{root}_{secrets.token_hex(4)}{extension}"
        return super().get_available_name(name, max_length=max_length)
