"""Machine translation through the real argos-translate path, offline: a tiny package
built in the test is installed with `jobbvenn translate install` and used through
`bot.translation`. The words it makes mean nothing; the path, the cache, the flags,
the fallback and the event loop are what is checked."""

import asyncio
import os
import subprocess
import sys

import pytest

pytest.importorskip("argostranslate", reason="the translate extra is not installed")

from bot import translation  # noqa: E402
from bot.storage import Storage  # noqa: E402
from tests import tiny_argos  # noqa: E402

TEXTS = ["Vi starter klokka sju.", "Husk arbeidstøy.", "Kassa er åpen. Takk for hjelpen!"]


def cli(*args: str, tmp, packages) -> subprocess.CompletedProcess:
    env = {**os.environ, "JOBBVENN_DB": str(tmp / "t.sqlite3"), "JOBBVENN_TRANSLATION_DIR": str(packages)}
    return subprocess.run([sys.executable, "-m", "bot", "translate", *args], env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def packages(tmp_path_factory):
    """nb->en and en->uk installed with the CLI: nb->uk then goes through English."""
    tmp = tmp_path_factory.mktemp("argos")
    folder = tmp / "packages"
    for src, dst in (("nb", "en"), ("en", "uk")):
        built = tiny_argos.build(tmp / f"{src}_{dst}.argosmodel", src, dst)
        result = cli("install", str(built), tmp=tmp, packages=folder)
        assert result.returncode == 0, result.stderr
    return folder


def test_cli_lists_pairs_and_routes_and_removes(packages, tmp_path):
    listed = cli("list", tmp=tmp_path, packages=packages)
    assert listed.returncode == 0, listed.stderr
    out = listed.stdout
    assert "nb -> en  version 0.1" in out and "en -> uk  version 0.1" in out
    lines = {line.split()[0]: line for line in out.splitlines() if line.startswith("  ") and "->" not in line}
    assert lines["en"].endswith("direct")
    assert lines["uk"].endswith("through English")
    assert lines["ti"].endswith("no machine translation: people are asked")
    assert cli("install", str(tmp_path / "nothing.zip"), tmp=tmp_path, packages=packages).returncode == 2
    assert cli("remove", "nb", "ti", tmp=tmp_path, packages=packages).returncode == 2


@pytest.fixture
async def machine(packages, tmp_path):
    storage = Storage(tmp_path / "mt.sqlite3")
    mt = translation.MachineTranslation(storage, packages)
    yield mt, storage
    mt.close()
    storage.close()


async def test_translates_through_argos_and_caches_by_model_version(machine):
    mt, storage = machine
    first = await mt.translate_batch(TEXTS, "nb", "en")
    assert all(isinstance(t, translation.Translated) and t.machine for t in first)
    assert mt.worker_calls == 1
    again = await mt.translate_batch(TEXTS, "nb", "en")
    assert again == first and mt.worker_calls == 1  # from the SQLite cache, not the model
    rows = await storage.run(lambda db: db.execute("SELECT model_version, COUNT(*) FROM machine_translations GROUP BY 1").fetchall())
    assert rows == [("nb-en:0.1", 3)]
    pivot = await mt.translate("Husk arbeidstøy.", "nb", "uk")
    assert pivot is not None and pivot.machine
    rows = await storage.run(lambda db: db.execute("SELECT model_version FROM machine_translations WHERE target = 'uk'").fetchall())
    assert rows == [("nb-en:0.1>en-uk:0.1",)]


async def test_missing_pair_falls_back_and_people_win_over_machines(machine):
    mt, storage = machine
    assert await mt.translate("Husk arbeidstøy.", "nb", "ti") is None  # argos has no Tigrinya here
    await storage.run(translation.save_manual, 1, "nb", "ti", "Husk arbeidstøy.", "ክዳን ስራሕ ኣይትረስዑ።", "specialist:10")
    assert await mt.translate("Husk arbeidstøy.", "nb", "ti", 1) == translation.Translated("ክዳን ስራሕ ኣይትረስዑ።", machine=False)
    assert await mt.translate("Husk arbeidstøy.", "nb", "ti", 2) is None  # a person's words serve their own organisation
    machine_made = await mt.translate("Kassa er åpen.", "nb", "en")
    assert machine_made.machine
    await storage.run(translation.save_manual, 1, "nb", "en", "Kassa er åpen.", "The till is open.", "mentor:20")
    assert await mt.translate("Kassa er åpen.", "nb", "en", 1) == translation.Translated("The till is open.", machine=False)
    # A machine run later never replaces the person's words.
    mt.forget_routes()
    await mt.translate_batch(["Kassa er åpen.", "Ny tekst."], "nb", "en", 1)
    assert await mt.translate("Kassa er åpen.", "nb", "en", 1) == translation.Translated("The till is open.", machine=False)
    calls = mt.worker_calls
    await mt.translate_batch(["Personlig melding til Elif."], "nb", "en", 1, cache=False)
    rows = await storage.run(lambda db: db.execute("SELECT COUNT(*) FROM machine_translations WHERE text LIKE 'Personlig%'").fetchone()[0])
    assert rows == 0 and mt.worker_calls == calls + 1  # not kept
    assert await mt.translate("Hei", "nb", "nb") == translation.Translated("Hei", machine=False)


async def test_the_event_loop_keeps_running_while_a_batch_translates(machine):
    mt, _ = machine
    ticks = 0
    done = asyncio.Event()

    async def ticker():
        nonlocal ticks
        while not done.is_set():
            ticks += 1
            await asyncio.sleep(0.005)

    task = asyncio.create_task(ticker())
    texts = [f"Jeg kommer i morgen klokka {n}." for n in range(40)]
    result = await mt.translate_batch(texts, "nb", "en")
    done.set()
    await task
    assert all(r is not None for r in result)
    assert ticks > 3  # other work went on while the model worked in its own process


async def test_a_worker_that_dies_is_replaced(machine):
    import signal

    mt, _ = machine
    assert await mt.translate("Hei.", "nb", "en") is not None
    for process in list(mt._pool._processes.values()):  # noqa: SLF001 - the test plays the out-of-memory killer
        os.kill(process.pid, signal.SIGKILL)
    mt.forget_routes()
    again = await mt.translate("Vi starter klokka sju.", "nb", "en")
    assert again is not None and again.machine
