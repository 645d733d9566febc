import pytest

from tests.talentportal.factories import StaffFactory, UserFactory


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture
def talent(db):
    return UserFactory(kind="talent")


@pytest.fixture
def enterprise_member(db):
    return UserFactory(kind="enterprise")


@pytest.fixture
def staff(db):
    return StaffFactory()
