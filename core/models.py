"""The one table ``core`` keeps: allowances counted in the database (``core.allowance``)."""

from django.db import models


class Allowance(models.Model):
    """How much of one allowance (a hashed key) was used in one fixed window."""

    key = models.CharField(max_length=100)
    window_start = models.DateTimeField(db_index=True)
    used = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="one_allowance_per_window")
        ]

    def __str__(self) -> str:
        return f"{self.key} @ {self.window_start:%Y-%m-%d %H:%M}: {self.used}"
