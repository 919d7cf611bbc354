"""Django's static files app, told which of the npm packages' files never reach a page.

``collectstatic`` copies (and WhiteNoise compresses) every file of the vendor folders in
settings.VENDOR_ASSETS; their source maps, ES-module and unminified builds are most of 50 MB and
are never linked. Ignored by name (fnmatch on the file or folder name, as ``collectstatic -i``).
"""

from __future__ import annotations

from django.contrib.staticfiles.apps import StaticFilesConfig as DjangoStaticFilesConfig

VENDOR_UNUSED = [
    "echarts*.map",  # the source maps of the ignored builds (a kept build's map stays: it links it)
    "*-src.js.map",
    "*.mjs",
    "*.ts",
    "*esm*",
    "*-src.js",
    "*.amd.js",
    "*.cjs.js",
    "echarts.js",
    "echarts.min.js",
    "echarts.common*",
    "echarts.simple.js",
    "extension",
    "ext",  # htmx's extensions: none is used
    "*.md",
    "package.json",
    "*.txt",
]


class StaticFilesConfig(DjangoStaticFilesConfig):
    ignore_patterns = [*DjangoStaticFilesConfig.ignore_patterns, *VENDOR_UNUSED]
