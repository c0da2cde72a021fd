"""The Flask application class sgoodie runs on."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, has_request_context, request
from jinja2 import BaseLoader, ChoiceLoader, FileSystemLoader

from .bodies import JSONProvider, Request

ONE_YEAR = 31_536_000


class SgoodieFlask(Flask):
    json_provider_class = JSONProvider  # too deeply nested JSON is malformed (400), not a 500
    request_class = Request  # a multipart form's fields share one memory budget

    def site_origin(self) -> str:
        """The origin of every absolute link the app makes: `SGOODIE_SITE_URL` when set. Without
        it (local development) this request's own origin, which comes from the Host header the
        client sent: production sets the site URL."""
        return self.config.get("SITE_URL") or request.host_url.rstrip("/")

    def url_for(
        self,
        /,
        endpoint: str,
        *,
        _anchor: str | None = None,
        _method: str | None = None,
        _scheme: str | None = None,
        _external: bool | None = None,
        **values: Any,
    ) -> str:
        """Flask's `url_for`, except that an external URL (`_external=True`, or any URL built
        outside a request) starts with `site_origin()`: with a site URL set, no Host header and
        no forwarded scheme reaches an e-mail or a page. The path keeps the request's script root,
        like the page's own relative links."""
        site = self.config.get("SITE_URL")
        in_request = has_request_context()
        external = _external if _external is not None else (_scheme is not None or not in_request)
        if not site or not external:
            return super().url_for(
                endpoint, _anchor=_anchor, _method=_method, _scheme=_scheme, _external=_external, **values
            )
        if in_request:
            path = super().url_for(endpoint, _anchor=_anchor, _method=_method, _external=False, **values)
        else:  # a job or a command: build the path as a request to the site itself would
            with self.test_request_context("/", base_url=site):
                path = super().url_for(endpoint, _anchor=_anchor, _method=_method, _external=False, **values)
        origin = site if _scheme is None else f"{_scheme}://{urlsplit(site).netloc}"
        return origin + path

    def create_global_jinja_loader(self) -> BaseLoader:
        """Template precedence: site templates (`<instance>/templates`) over plugin templates
        over core templates. Plugins add their folders to `plugin_template_loaders` later;
        ChoiceLoader keeps this very list, so they still take part."""
        site = FileSystemLoader(str(Path(self.instance_path) / "templates"))
        self.plugin_template_loaders: list[BaseLoader] = [site, super().create_global_jinja_loader()]
        return ChoiceLoader(self.plugin_template_loaders)

    def add_plugin_templates(self, folder: str) -> None:
        """Plugin templates go after the site's and before the core's."""
        self.jinja_env  # noqa: B018  (creates the loader list on first use)
        self.plugin_template_loaders.insert(len(self.plugin_template_loaders) - 1, FileSystemLoader(folder))

    def get_send_file_max_age(self, filename: str | None) -> int | None:
        """Static URLs carry a content hash (`?v=`) from `static_url`: those never change."""
        if request and request.args.get("v"):
            return ONE_YEAR
        return super().get_send_file_max_age(filename)
