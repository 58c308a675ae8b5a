"""One throttle for every path that checks a password (``/login/``, ``/admin/login/``, any
future one): ``members.backends.ThrottledModelBackend`` applies it inside ``authenticate``,
and ``check_password`` applies the same counters where a password is checked without
logging in (the admin's "change password", ``members.admin_accounts``). Shared passwords
of pages and document collections count here too (``members.shared_passwords``), each
restriction as an account of its own.

Attempts are counted in ``core.ratelimit``'s table, which every worker shares, by three
keys; an address is counted by its IPv6 /64 (``ratelimit.address_group``):

* this username from this address: 5 failures lock that pair (the guesser, not the member);
* this address, whatever the username: 20 failures lock the address;
* this username from anywhere: past 50 failures the account is slowed down, not locked.
  An address that has failed (on any account) in the window then gets the account's next
  turn only: one attempt for all such addresses per interval, 2 seconds doubling with each
  further failure up to 5 minutes. An address with no failures is not held to the turns,
  so guessers from many addresses cannot keep the owner out: every attempt they make
  marks their own address, never the owner's, and the owner, from home or on mobile data,
  logs in at once. Guessers gain little from it: each fresh address is one guess.

An attempt is counted *before* the password is checked, in one atomic statement per key,
so a burst of parallel guesses cannot slip past a limit; a success clears the pair's
failures and gives back its own count. Every lock lasts LOCKOUT_SECONDS and ends by itself.
"""

from __future__ import annotations

from core import ratelimit
from core.text import fold_identifier

PAIR_FAILURE_LIMIT = 5
ADDRESS_FAILURE_LIMIT = 20
USERNAME_FAILURE_LIMIT = 50
FAILURE_WINDOW_SECONDS = 15 * 60
LOCKOUT_SECONDS = 15 * 60
# Past USERNAME_FAILURE_LIMIT: the first turn's interval, doubled per further failure.
ACCOUNT_TURN_SECONDS = 2
ACCOUNT_TURN_MAX_SECONDS = 5 * 60
CACHE_PREFIX = "hongke-login"
# Set on the request when the throttle refused it without checking the password.
REFUSED_ATTRIBUTE = "login_refused_by_throttle"


def account_turn_seconds(failures: int) -> int:
    """How long the account's turn lasts once it has ``failures`` past the limit (>= 1)."""
    doublings = min(max(failures - USERNAME_FAILURE_LIMIT - 1, 0), 16)
    return min(ACCOUNT_TURN_MAX_SECONDS, ACCOUNT_TURN_SECONDS * 2**doublings)


class LoginThrottle:
    def __init__(self, username: str, address: str) -> None:
        # Folded as Django normalises usernames, so "Zhang" and "zhang" share one counter;
        # counted whether or not the user exists.
        user = fold_identifier(username)
        network = ratelimit.address_group(address)
        self.limits = {
            "pair": (ratelimit.cache_key(CACHE_PREFIX, "pair", user, network), PAIR_FAILURE_LIMIT),
            "addr": (ratelimit.cache_key(CACHE_PREFIX, "addr", network), ADDRESS_FAILURE_LIMIT),
            "user": (ratelimit.cache_key(CACHE_PREFIX, "user", user), USERNAME_FAILURE_LIMIT),
        }
        self.counts = dict.fromkeys(self.limits, 0)

    @staticmethod
    def lock_key(counter: str) -> str:
        return counter + ":lock"

    def retry_after(self) -> int | None:
        """Seconds until attempts are allowed again, or None when they are allowed now."""
        (pair, _limit), (addr, _limit), (user, user_limit) = self.limits.values()
        locks = [self.lock_key(pair), self.lock_key(addr)]
        if ratelimit.count(addr) and ratelimit.count(user) >= user_limit:
            locks.append(self.lock_key(user))  # a failing address waits for the account's turn
        return ratelimit.seconds_locked(*locks)

    def reserve(self) -> bool:
        """Count this attempt; False when it is one too many (then locked, or the account's
        turn is taken)."""
        allowed = True
        for name in ("pair", "addr"):
            counter, limit = self.limits[name]
            self.counts[name] = ratelimit.increment(counter, FAILURE_WINDOW_SECONDS)
            if self.counts[name] > limit:
                ratelimit.lock(self.lock_key(counter), LOCKOUT_SECONDS)
                allowed = False
        user, limit = self.limits["user"]
        self.counts["user"] = failures = ratelimit.increment(user, FAILURE_WINDOW_SECONDS)
        address_has_failed = self.counts["addr"] > 1  # counted before this attempt
        if allowed and failures > limit and address_has_failed:
            allowed = ratelimit.take_turn(self.lock_key(user), account_turn_seconds(failures))
        if not allowed:  # the account counts passwords checked, not attempts refused
            ratelimit.decrement(user)
        return allowed

    def failed(self) -> None:
        """The password was wrong: the attempt stays counted; lock once a limit is reached."""
        for name in ("pair", "addr"):
            counter, limit = self.limits[name]
            if self.counts[name] >= limit:
                ratelimit.lock(self.lock_key(counter), LOCKOUT_SECONDS)

    def succeeded(self) -> None:
        """A correct login clears this pair's failures and gives this attempt back. The
        address keeps its others, and the account the guessers' failures: the owner's
        login is no signal that the guessing elsewhere has stopped."""
        ratelimit.reset(self.limits["pair"][0])
        ratelimit.decrement(self.limits["addr"][0])
        ratelimit.decrement(self.limits["user"][0])


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
    network = ratelimit.address_group(address)
    limits = [
        (ratelimit.cache_key(RESET_PREFIX, "addr", network), RESET_ADDRESS_LIMIT),
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
