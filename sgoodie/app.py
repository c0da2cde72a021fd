"""The Flask application class sgoodie runs on."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, request
from jinja2 import BaseLoader, ChoiceLoader, FileSystemLoader

from .bodies import JSONProvider, Request

ONE_YEAR = 31_536_000


class SgoodieFlask(Flask):
    json_provider_class = JSONProvider  # too deeply nested JSON is malformed (400), not a 500
    request_class = Request  # a multipart form's fields share one memory budget

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
