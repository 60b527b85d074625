"""Faults on the way in: the local Bot API server fails getUpdates (5xx), keeps it waiting
past the bot's timeout, breaks the connection halfway through an answer full of updates,
or answers 429 for a while. The bot recovers by itself, and every update the candidate
sent is handled once: none lost, none answered twice."""

import asyncio
import logging

import pytest

from tests.harness import BotHarness

FAULTS = {
    "5xx": lambda server: server.fail_next("getUpdates", 502, times=3),
    # python-telegram-bot gives up on a getUpdates after its read timeout (5 s) plus the long poll (1 s here)
    "timeout": lambda server: server.stall_next("getUpdates", seconds=7.0, times=1),
    "dropped connection": lambda server: server.drop_next("getUpdates", times=3),
    "429 for a while": lambda server: server.fail_next("getUpdates", 429, times=3, retry_after=1),
}


@pytest.mark.parametrize("fault", list(FAULTS))
async def test_get_updates_fails_and_nothing_is_lost_or_answered_twice(tmp_path, caplog, fault):
    h = BotHarness(tmp_path / "jobbvenn.sqlite3")
    h.poll_timeout = 1
    await h.start()
    try:
        sara = await h.onboard_specialist()
        amal = await h.join_candidate(sara, "Amal", 300, "Amal", "so", "Soomaali")
        menu = (await h.say(amal, "/menu"))[-1]
        data = menu.buttons[0][0].callback_data
        before = len(h.server.bot_messages(amal.id))
        caplog.set_level(logging.WARNING)

        FAULTS[fault](h.server)
        sent = []
        for round_ in range(4):  # taps and typing while getUpdates keeps failing
            sent.append(("tap", amal.press_data(menu, data)))
            sent.append(("text", amal.send_text("/menu")))
            await asyncio.sleep(0.4 if round_ < 3 else 0)
        await asyncio.gather(*(h.wait_handled(update_id, timeout=30) for _, update_id in sent))
        await asyncio.sleep(1.0)  # an update handled twice would show now

        assert all(f.times == 0 for f in h.server.faults)   # the fault happened, all of it
        assert {update_id: h.handled[update_id] for _, update_id in sent} == {update_id: 1 for _, update_id in sent}
        answered = [c.params["callback_query_id"] for c in h.server.calls_to("answerCallbackQuery")]
        assert len(answered) == len(set(answered)) >= 4      # no tap answered twice
        assert not h.server.open_callback_queries            # and every tap answered
        menus = [m for m in h.server.bot_messages(amal.id)[before:] if m.text == menu.text]
        assert len(menus) == 4                               # one menu for each /menu, not more
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR], [r.getMessage() for r in caplog.records]
        # The candidate is served as before.
        assert (await h.say(amal, "/menu"))[-1].buttons
    finally:
        await h.stop()


async def test_a_tap_too_old_to_answer_still_does_what_it_asked(tmp_path, caplog):
    """Taps queued while the bot was down are older than Telegram's 15 seconds for an answer
    when they are handled (and a tap handled again after a crash was answered already). The
    answer fails; the work the tap asked for is still done, without a "something went wrong"."""
    h = BotHarness(tmp_path / "jobbvenn.sqlite3")
    await h.start()
    try:
        sara = await h.onboard_specialist()
        amal = await h.join_candidate(sara, "Amal", 300, "Amal", "so", "Soomaali")
        menu = (await h.say(amal, "/menu"))[-1]
        before = set(h.server.open_callback_queries)
        update_id = amal.press_data(menu, "cand-menu:rules")
        h.server.open_callback_queries -= h.server.open_callback_queries - before  # expired at Telegram
        caplog.set_level(logging.WARNING)
        replies = await h.send(amal, update_id)
        answers = h.server.calls_to("answerCallbackQuery")
        assert answers and not answers[-1].ok                  # the answer came too late
        assert any("🧭" in (m.text or "") for m in replies)    # the rules came anyway
        assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
        assert h.handled[update_id] == 1
    finally:
        await h.stop()
