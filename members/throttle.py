"""One throttle for every path that checks a password (``/login/``, ``/admin/login/``, any
future one): ``members.backends.ThrottledModelBackend`` applies it inside ``authenticate``,
and ``check_password`` applies the same counters where a password is checked without
logging in (the admin's "change password", ``members.admin_accounts``).

Attempts are counted in ``core.ratelimit``'s store, which every worker shares (Redis, or
the database), by three keys, so a stranger cannot keep a member out:

* this username from this address: 5 failures lock that pair (the guesser, not the member);
* this address, whatever the username: 20 failures lock the address;
* this username from anywhere: 50 failures lock the account (guessing from many addresses).

An attempt is counted *before* the password is checked and the username's counters are
cleared when it succeeds, so a burst of parallel guesses cannot slip past a limit. Every
lock lasts LOCKOUT_SECONDS and ends by itself.
"""

from __future__ import annotations

from core import ratelimit
from core.text import fold_identifier

PAIR_FAILURE_LIMIT = 5
ADDRESS_FAILURE_LIMIT = 20
USERNAME_FAILURE_LIMIT = 50
FAILURE_WINDOW_SECONDS = 15 * 60
LOCKOUT_SECONDS = 15 * 60
CACHE_PREFIX = "hongke-login"
# Set on the request when the throttle refused it without checking the password.
REFUSED_ATTRIBUTE = "login_refused_by_throttle"


class LoginThrottle:
    def __init__(self, username: str, address: str) -> None:
        # Folded as Django normalises usernames, so "Zhang" and "zhang" share one counter;
        # counted whether or not the user exists.
        user = fold_identifier(username)
        self.limits = {
            "pair": (ratelimit.cache_key(CACHE_PREFIX, "pair", user, address), PAIR_FAILURE_LIMIT),
            "addr": (ratelimit.cache_key(CACHE_PREFIX, "addr", address), ADDRESS_FAILURE_LIMIT),
            "user": (ratelimit.cache_key(CACHE_PREFIX, "user", user), USERNAME_FAILURE_LIMIT),
        }
        self.counts = dict.fromkeys(self.limits, 0)

    @staticmethod
    def lock_key(counter: str) -> str:
        return counter + ":lock"

    def retry_after(self) -> int | None:
        """Seconds until attempts are allowed again, or None when they are allowed now."""
        return ratelimit.seconds_locked(
            *(self.lock_key(counter) for counter, _limit in self.limits.values())
        )

    def reserve(self) -> bool:
        """Count this attempt; False (and locked) when it is one too many on any key."""
        allowed = True
        for name, (counter, limit) in self.limits.items():
            self.counts[name] = ratelimit.increment(counter, FAILURE_WINDOW_SECONDS)
            if self.counts[name] > limit:
                ratelimit.lock(self.lock_key(counter), LOCKOUT_SECONDS)
                allowed = False
        return allowed

    def failed(self) -> None:
        """The password was wrong: the attempt stays counted; lock once a limit is reached."""
        for name, (counter, limit) in self.limits.items():
            if self.counts[name] >= limit:
                ratelimit.lock(self.lock_key(counter), LOCKOUT_SECONDS)

    def succeeded(self) -> None:
        """A correct login clears the username's failures; the address keeps its others."""
        ratelimit.reset(self.limits["pair"][0])
        ratelimit.reset(self.limits["user"][0])
        ratelimit.decrement(self.limits["addr"][0])


class Locked(Exception):
    """Too many attempts: nothing was checked. ``seconds`` until attempts are allowed again."""

    def __init__(self, seconds: int) -> None:
        super().__init__(seconds)
        self.seconds = seconds


def check_password(user, password: str, address: str) -> bool:
    """Whether ``password`` is the user's, counted on the login counters (raises Locked).

    Changing one's password checks the old one: a borrowed or stolen session must not be
    a way round the login throttle to guess it.
    """
    throttle = LoginThrottle(user.get_username(), address)
    wait = throttle.retry_after()
    if wait is not None:
        raise Locked(wait)
    if not throttle.reserve():
        raise Locked(throttle.retry_after() or LOCKOUT_SECONDS)
    if user.check_password(password):
        throttle.succeeded()
        return True
    throttle.failed()
    return False


# Password-reset e-mails: a few per hour per address and per e-mail address, so the form
# cannot be used to flood someone's mailbox or to keep the mail server busy.
RESET_ADDRESS_LIMIT = 5
RESET_EMAIL_LIMIT = 3
RESET_WINDOW_SECONDS = 60 * 60
RESET_PREFIX = "hongke-reset"


def reset_request_wait(email: str, address: str) -> int | None:
    """Count one password-reset request; seconds to wait when it is one too many, else None."""
    limits = [
        (ratelimit.cache_key(RESET_PREFIX, "addr", address), RESET_ADDRESS_LIMIT),
        (ratelimit.cache_key(RESET_PREFIX, "email", fold_identifier(email)), RESET_EMAIL_LIMIT),
    ]
    locks = [counter + ":lock" for counter, _limit in limits]
    wait = ratelimit.seconds_locked(*locks)
    if wait is not None:
        return wait
    for (counter, limit), lock_key in zip(limits, locks, strict=True):
        if ratelimit.increment(counter, RESET_WINDOW_SECONDS) > limit:
            ratelimit.lock(lock_key, RESET_WINDOW_SECONDS)
    return ratelimit.seconds_locked(*locks)
