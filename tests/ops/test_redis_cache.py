"""The suite on a shared Redis cache (Django's own RedisCache), as several web servers use it.

Runs against ``CACHE_URL`` (.ci/run sets it and runs this module on its own, so that the whole
test settings use Redis), or ``redis://127.0.0.1:6379/15``. Without a Redis answering there,
the tests skip on a developer's machine and fail when ``CI`` is set (.ci/run starts one).
Every test uses its own key prefix and removes only its own keys. No test here touches the
database (no test database to build: the module runs in seconds).
"""

import os
import secrets
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import RequestFactory, override_settings

from sites.settings.ops import REDIS_CACHE, cache_from_url

DEFAULT_URL = "redis://127.0.0.1:6379/15"


def redis_url():
    url = os.environ.get("CACHE_URL") or DEFAULT_URL
    try:
        import redis
    except ImportError:
        reason = "the redis package is not installed (pip install .[redis])"
    else:
        try:
            redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping()
            return url
        except redis.RedisError as error:
            reason = f"no Redis answers at CACHE_URL ({type(error).__name__})"
    if os.environ.get("CI"):
        pytest.fail(f"Redis is required in CI: {reason}.")
    pytest.skip(reason)


@pytest.fixture
def redis_settings():
    """Django's cache on Redis, under a key prefix of this test's own."""
    url = redis_url()
    prefix = f"tutoria-test-{secrets.token_hex(6)}"
    config = cache_from_url(url, key_prefix=prefix)
    with override_settings(CACHES=config):
        yield SimpleNamespace(url=url, prefix=prefix, config=config)
    import redis

    client = redis.Redis.from_url(url)
    for key in client.scan_iter(match=f"{prefix}:*"):
        client.delete(key)


def another_server():
    """A new connection to the configured cache, as another web server's process has."""
    return caches.create_connection("default")


def test_the_settings_follow_cache_url():
    """Run with CACHE_URL set (.ci/run): the test settings themselves use Redis."""
    if not os.environ.get("CACHE_URL"):
        pytest.skip("CACHE_URL is not set: the test settings use the local-memory cache.")
    redis_url()
    assert settings.CACHES["default"]["BACKEND"] == REDIS_CACHE
    from django.core.cache.backends.redis import RedisCache

    assert isinstance(caches["default"], RedisCache)


def test_signup_rate_limit_is_shared_between_servers(redis_settings):
    from tutoria_cms.workshops.ratelimit import allow_signup_attempt

    workshop = SimpleNamespace(pk=4242)
    request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.7")
    limits = {
        **settings.TUTORIA_CMS,
        "SIGNUP_RATE_PER_ADDRESS": 3,
        "SIGNUP_RATE_PER_WORKSHOP": 100,
        "SIGNUP_RATE_WINDOW": 60,
    }
    with override_settings(TUTORIA_CMS=limits):
        assert all(allow_signup_attempt(request, workshop) for _ in range(3))
        assert not allow_signup_attempt(request, workshop)
    # The count is in Redis, under the prefix, with the window as its lifetime.
    server = another_server()
    keys = [k.decode() for k in server._cache.get_client().scan_iter(f"{redis_settings.prefix}:*")]
    assert any(":tutoria:workshops:signup:address:" in key for key in keys), keys
    assert not any("203.0.113.7" in key for key in keys)  # a hash, not the address
    address_key = next(k for k in keys if ":address:" in k)
    assert 0 < server._cache.get_client().ttl(address_key) <= 60


def test_what_one_server_writes_another_reads(redis_settings):
    caches["default"].set("tutoria:test:shared", {"n": 1}, timeout=30)
    assert another_server().get("tutoria:test:shared") == {"n": 1}


def test_prefix_and_version_keep_deployments_apart(redis_settings):
    caches["default"].set("tutoria:test:apart", "mine", timeout=30)
    other = cache_from_url(redis_settings.url, key_prefix=redis_settings.prefix + "-other")
    newer = cache_from_url(redis_settings.url, key_prefix=redis_settings.prefix, version=2)
    with override_settings(CACHES=other):
        assert caches["default"].get("tutoria:test:apart") is None
    with override_settings(CACHES=newer):
        assert caches["default"].get("tutoria:test:apart") is None
    assert caches["default"].get("tutoria:test:apart") == "mine"


def test_health_check_on_redis(redis_settings):
    """The health check's cache probe (no database here: the module needs none, so that .ci/run
    runs it in seconds)."""
    from tutoria_cms.core.health import check_cache

    check_cache()  # raises when Redis does not give the value back
    client = another_server()._cache.get_client()
    assert list(client.scan_iter(f"{redis_settings.prefix}:*health*")) == []  # cleaned up
