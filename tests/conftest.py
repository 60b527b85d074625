import pytest

from tests.harness import BotHarness


@pytest.fixture
async def harness(tmp_path):
    h = BotHarness(tmp_path / "jobbvenn.sqlite3")
    await h.start()
    try:
        yield h
    finally:
        await h.stop()
    # Every tapped button must have been answered, or the user's client keeps spinning.
    assert not h.server.open_callback_queries, "callback queries left unanswered"
