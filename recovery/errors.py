"""The one error every step of backing up and restoring raises; commands print its message."""


class BackupError(Exception):
    """Something a person must fix before the backup or restore can go on (in Chinese)."""
