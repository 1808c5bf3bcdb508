from __future__ import annotations

from urllib.parse import urlsplit

from django.apps import AppConfig, apps
from django.conf import settings
from django.db.models.signals import post_migrate
from django.utils.translation import get_language, gettext, to_locale

from circlewise import words


def sync_site_domain(**kwargs: object) -> None:
    """Keep the Site's domain (allauth's emails name it) on SITE_URL's host and port.

    ``make run PORT=8100`` migrates with a new SITE_URL each time; a data migration alone would
    keep whatever address the database was first created with.
    """
    from django.contrib.sites.models import Site

    domain = urlsplit(settings.SITE_URL).netloc or "localhost"
    Site.objects.filter(pk=settings.SITE_ID).exclude(domain=domain).update(domain=domain)


class CoreConfig(AppConfig):
    name = "circlewise.core"
    label = "core"

    def ready(self) -> None:
        # The pure modules' messages and numbers follow the active language.
        words.use_translation(gettext, lambda: to_locale(get_language() or settings.LANGUAGE_CODE))
        # Sent once per app with models after each migrate; the sites app's signal is the one.
        sites = apps.get_app_config("sites")
        post_migrate.connect(sync_site_domain, sender=sites, dispatch_uid="core.sync_site_domain")
