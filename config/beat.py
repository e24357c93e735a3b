"""One beat per site, even when two are started: a leader lock in Redis.

Every periodic job must run once per period. A second beat (started on a second host by mistake,
or kept as a standby) would send each job twice, so each beat sends due jobs only while it holds
``beat:leader`` in the broker's Redis, renewed on every tick. A standby takes over when the leader
stops renewing (killed, host down) within ``BEAT_LOCK_TIMEOUT`` seconds, and reads the schedule
afresh from the database first, so jobs the leader already sent are not sent again.
"""

import logging
import os
import socket
import uuid

import redis
from django.conf import settings
from django_celery_beat.schedulers import DatabaseScheduler

logger = logging.getLogger(__name__)

# Set the key's expiry only while it still holds our token (atomically).
_RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('pexpire', KEYS[1], ARGV[2])
end
return 0
"""
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('del', KEYS[1])
end
return 0
"""


class SingleBeatScheduler(DatabaseScheduler):
    lock_key = "beat:leader"

    def __init__(self, *args, **kwargs):
        self._token = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._leading = False
        self._redis = redis.Redis.from_url(
            settings.CELERY_BROKER_URL, socket_connect_timeout=2, socket_timeout=2, health_check_interval=10
        )
        super().__init__(*args, **kwargs)

    @property
    def lock_timeout_ms(self):
        return int(settings.BEAT_LOCK_TIMEOUT * 1000)

    def _hold_lock(self):
        if settings.BEAT_LOCK_TIMEOUT <= 0:  # the lock is off: every beat sends
            return True
        try:
            if self._leading and self._redis.eval(_RENEW, 1, self.lock_key, self._token, self.lock_timeout_ms):
                return True
            acquired = bool(self._redis.set(self.lock_key, self._token, nx=True, px=self.lock_timeout_ms))
        except redis.RedisError as exc:
            # Without Redis the lock cannot be proven: send nothing (the broker is down anyway).
            logger.warning("beat: Redis unreachable, not sending periodic jobs (%s)", exc.__class__.__name__)
            self._leading = False
            return False
        if acquired and not self._leading:
            logger.info("beat: %s leads; sending periodic jobs", self._token)
            # Forget what this process believed while standing by: the leader's runs are in the database.
            self._initial_read = True
            self._heap = None
        elif not acquired and self._leading:
            logger.warning("beat: %s lost the lead; standing by", self._token)
        self._leading = acquired
        return acquired

    def tick(self, *args, **kwargs):
        if not self._hold_lock():
            if not getattr(self, "_said_standby", False):
                logger.info("beat: another beat leads; %s stands by", self._token)
                self._said_standby = True
            return min(self.max_interval, settings.BEAT_LOCK_TIMEOUT / 3)
        self._said_standby = False
        interval = super().tick(*args, **kwargs)
        if settings.BEAT_LOCK_TIMEOUT > 0:  # never sleep past the lock's renewal
            interval = min(interval, settings.BEAT_LOCK_TIMEOUT / 3)
        return interval

    def close(self):
        try:
            if self._leading:
                self.sync()
                self._redis.eval(_RELEASE, 1, self.lock_key, self._token)
        except redis.RedisError:
            pass  # the lock expires by itself
        finally:
            self._leading = False
            super().close()
