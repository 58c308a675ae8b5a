"""The tables ``core`` keeps: allowances counted in the database (``core.allowance``) and
the rate limits' counters and locks (``core.ratelimit``)."""

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


class RateCounter(models.Model):
    """One counter or lock of ``core.ratelimit``, shared by every worker and server.

    A table rather than a cache: a cache culls or evicts keys when it is full, which would
    drop live locks. A row is removed only once its window and its lock have both ended.
    Times are Unix seconds, compared with the clock of the worker that asks.
    """

    key = models.CharField(max_length=200, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    counted_until = models.FloatField(default=0, db_index=True)
    locked_until = models.FloatField(default=0)

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"
