"""The member's switch for personalisation: when it is off, 为你推荐 lists the newest items
(最新上线) beside their assigned ones, and reads nothing of their learning history."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser

from learning.models import ReadingListPreference


@dataclass(frozen=True, slots=True)
class Preferences:
    branch_id: int | None
    personalised: bool = True


def load_preferences(member_id: int) -> Preferences:
    """The member's branch and switch in one query; no profile or no preference row is
    fine (no branch; personalised)."""
    row = (
        get_user_model()
        .objects.filter(pk=member_id)
        .values_list("member_profile__branch_id", "reading_list_preference__personalised")
        .first()
    )
    branch_id, personalised = row or (None, None)
    return Preferences(branch_id=branch_id, personalised=personalised is not False)


def set_personalised(user: AbstractBaseUser, personalised: bool) -> None:
    ReadingListPreference.objects.update_or_create(
        member=user, defaults={"personalised": personalised}
    )
