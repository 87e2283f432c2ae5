"""The settings of several machines: small functions of the environment (sites/settings/ops.py)."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from sites.settings.ops import (
    LOCMEM_CACHE,
    REDIS_CACHE,
    S3_STORAGE,
    cache_from_url,
    s3_storages,
    sentry_before_send,
)

BASE_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    "tutoria_private": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
}


@pytest.mark.parametrize("url", [None, "", "  "])
def test_no_cache_url_is_a_local_memory_cache(url):
    assert cache_from_url(url)["default"]["BACKEND"] == LOCMEM_CACHE


@pytest.mark.parametrize(
    "url",
    [
        "redis://127.0.0.1:6379/1",
        "rediss://:secret@cache.example.edu:6380/0",
        "unix:///run/redis/redis.sock?db=2",
    ],
)
def test_redis_urls_use_djangos_redis_backend(url):
    config = cache_from_url(url, key_prefix="tutorias-mx", version="3")["default"]
    assert config["BACKEND"] == REDIS_CACHE == "django.core.cache.backends.redis.RedisCache"
    assert config["LOCATION"] == url
    assert config["KEY_PREFIX"] == "tutorias-mx"
    assert config["VERSION"] == 3
    # A Redis that does not answer fails fast instead of hanging the web server's worker.
    assert config["OPTIONS"]["socket_connect_timeout"] <= 5
    assert config["OPTIONS"]["socket_timeout"] <= 5


def test_keys_are_namespaced_by_default():
    assert cache_from_url("redis://127.0.0.1:6379/1")["default"]["KEY_PREFIX"] == "tutoria"


def test_the_configuration_builds_djangos_redis_cache():
    pytest.importorskip("redis")
    from django.core.cache.backends.redis import RedisCache
    from django.utils.module_loading import import_string

    config = dict(cache_from_url("redis://127.0.0.1:6379/1")["default"])
    backend = import_string(config.pop("BACKEND"))(config.pop("LOCATION"), config)
    assert isinstance(backend, RedisCache)
    assert backend.make_key("k") == "tutoria:1:k"


def test_unknown_scheme_refused_without_showing_the_url():
    with pytest.raises(ImproperlyConfigured) as refused:
        cache_from_url("memcached://admin:hunter2@cache.example.edu:11211")
    assert "hunter2" not in str(refused.value) and "memcached" in str(refused.value)


def test_no_bucket_no_s3():
    assert s3_storages({}, BASE_STORAGES) is None
    assert s3_storages({"AWS_STORAGE_BUCKET_NAME": " "}, BASE_STORAGES) is None


def test_a_bucket_puts_media_and_private_files_on_s3():
    environ = {
        "AWS_STORAGE_BUCKET_NAME": "tutorias-files",
        "AWS_S3_REGION_NAME": "sa-east-1",
        "AWS_S3_ENDPOINT_URL": "https://s3.example.edu",
        "AWS_S3_CUSTOM_DOMAIN": "media.example.edu",
        "AWS_SECRET_ACCESS_KEY": "never-in-settings",
    }
    storages = s3_storages(environ, BASE_STORAGES)
    assert storages["staticfiles"] == BASE_STORAGES["staticfiles"]
    media, private = storages["default"], storages["tutoria_private"]
    assert media["BACKEND"] == private["BACKEND"] == S3_STORAGE == "storages.backends.s3.S3Storage"
    assert media["OPTIONS"]["bucket_name"] == private["OPTIONS"]["bucket_name"] == "tutorias-files"
    assert media["OPTIONS"]["location"] == "media"
    assert private["OPTIONS"]["location"] == "private"
    assert media["OPTIONS"]["region_name"] == "sa-east-1"
    assert media["OPTIONS"]["endpoint_url"] == "https://s3.example.edu"
    assert media["OPTIONS"]["custom_domain"] == "media.example.edu"
    # Private files: never public, never through the CDN, only signed.
    assert private["OPTIONS"]["default_acl"] is None
    assert private["OPTIONS"]["querystring_auth"] is True
    assert private["OPTIONS"]["custom_domain"] is None
    assert "never-in-settings" not in repr(storages)


def test_s3_options_are_django_storages_own():
    """Every option given is one S3Storage takes (a misspelt option would fail at start-up)."""
    s3 = pytest.importorskip("storages.backends.s3")
    environ = {"AWS_STORAGE_BUCKET_NAME": "b", "AWS_S3_REGION_NAME": "eu-west-1"}
    for alias in ("default", "tutoria_private"):
        options = s3_storages(environ, BASE_STORAGES)[alias]["OPTIONS"]
        storage = s3.S3Storage(**options)
        assert storage.bucket_name == "b"


def test_sentry_gets_no_request_body_cookies_or_credentials():
    event = {
        "message": "boom",
        "request": {
            "url": "https://tutorias.example.edu/admin/requests/1/",
            "method": "POST",
            "data": {"disclosure": "a student's health details"},
            "cookies": {"sessionid": "abc"},
            "headers": {"Cookie": "sessionid=abc", "Authorization": "Basic x", "Host": "h"},
        },
    }
    sent = sentry_before_send(event, {})
    assert sent["message"] == "boom"
    assert "data" not in sent["request"] and "cookies" not in sent["request"]
    assert sent["request"]["headers"] == {"Host": "h"}
    assert sent["request"]["url"].endswith("/admin/requests/1/")
    assert sentry_before_send({"message": "no request"}) == {"message": "no request"}
