"""Browser tests: Debian's Chromium driven by Playwright against a real server process.

The server is a separate ``manage.py runserver`` on its own database (a SQLite file in a temporary
folder, or a PostgreSQL database of its own when DATABASE_URL is set), migrated and loaded with the
same tiny demo district as the rest of the suite. It runs outside the test's transaction, so what a
browser test does is real: log in, click, submit, and read the result on the page or through the API.
Tests in this folder do not use the ``db`` fixture; they see only what the browser and HTTP see.

No browser is downloaded: Playwright launches ``/usr/bin/chromium`` (Debian's package, installed by
.ci/run) with the flags the machine needs.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("DANGQUN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEMO_PASSWORD = "Dangqun@2026"


@pytest.fixture(scope="session", autouse=True)
def demo_db() -> None:
    """Browser tests use the server's database, not the test process's: nothing to load here."""
    return


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.browser)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _server_database(var_dir: Path) -> tuple[str, Callable[[], None]]:
    """(DATABASE_URL for the server, cleanup). SQLite unless the suite runs on PostgreSQL."""
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        return "", lambda: None
    import psycopg

    base, _, _name = url.rpartition("/")
    name = f"dangqun_browser_{os.getpid()}"
    admin_url = f"{base}/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return f"{base}/{name}", drop


# The running server's environment (its database), for ``server_manage``.
_SERVER_ENV: dict[str, str] = {}


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    """A running platform with the demo district: ``http://127.0.0.1:PORT``."""
    var_dir = Path(tempfile.mkdtemp(prefix="dangqun-browser-"))
    database_url, drop_database = _server_database(var_dir)
    env = {
        **os.environ,
        "DANGQUN_VAR_DIR": str(var_dir),
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "1",
        "DANGQUN_TESTING": "",
        # runserver starts a thread per request: a kept connection would outlive its thread.
        "DANGQUN_DB_CONN_MAX_AGE": "0",
        # Every browser test logs its personas in from 127.0.0.1: the per-address login limit (20 a
        # minute) would refuse the suite, not an attacker. The limit itself is tested in tests/security.
        "DANGQUN_RATE_LOGIN": "100000",
        "PYTHONUNBUFFERED": "1",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    log = (var_dir / "server.log").open("w")
    for args in (
        ["migrate", "--noinput", "-v", "0"],
        [
            "seed_demo",
            "--scale",
            "0.02",
            "--seed",
            "7",
            "--case-scale",
            "0.007",
            "--taxonomy",
            "builtin",
            "-v",
            "0",
        ],
    ):
        subprocess.run([*manage, *args], env=env, cwd=ROOT, check=True, stdout=log, stderr=log)
    port = _free_port()
    server = subprocess.Popen(
        [*manage, "runserver", "--noreload", f"127.0.0.1:{port}"],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    _SERVER_ENV.update(env)
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{url}/login/", timeout=2).read()  # noqa: S310 - our own loopback server
            break
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"test server did not start; see {var_dir / 'server.log'}") from None
            time.sleep(0.3)
    try:
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        drop_database()
        shutil.rmtree(var_dir, ignore_errors=True)


@pytest.fixture
def server_manage(server_url):  # type: ignore[no-untyped-def]
    """``server_manage("shell", "-c", code)`` → runs a management command on the server's database (set-up
    an office does outside the pages, e.g. an account for another organisation's secretary)."""

    def run(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), *args],
            env=_SERVER_ENV,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
        return done.stdout

    return run


# Module scope, not session: Playwright's sync API leaves an asyncio loop in this thread while it is
# started, and Django then refuses ORM calls in the same process (SynchronousOnlyOperation). Stopping
# it after each browser module keeps the database tests that xdist runs next in this worker working.
@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser, server_url):  # type: ignore[no-untyped-def]
    """``new_page(viewport=(360, 740))`` → a fresh page in its own context (own cookies, own storage)."""
    contexts = []

    def make(viewport: tuple[int, int] = (1366, 900), **options):  # type: ignore[no-untyped-def]
        context = browser.new_context(
            base_url=server_url,
            viewport={"width": viewport[0], "height": viewport[1]},
            locale="zh-CN",
            **options,
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def login(new_page):  # type: ignore[no-untyped-def]
    """``login("dispatcher")`` → a page logged in as that demo persona, on the persona's home."""

    def make(username: str, viewport: tuple[int, int] = (1366, 900), **options):  # type: ignore[no-untyped-def]
        from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

        page = new_page(viewport=viewport, **options)
        page.goto("/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="登录").click()
        # The first visit of a persona's home builds the server's per-process caches (grid index,
        # vocabularies): allow it more than the default wait on a loaded CI machine.
        try:
            page.wait_for_url(lambda url: "/login/" not in url, timeout=45_000)
        except PlaywrightTimeoutError:
            text = page.evaluate("document.body ? document.body.innerText : ''")
            raise AssertionError(f"{username} not logged in: still at {page.url}: {text[:400]!r}") from None
        return page

    return make
