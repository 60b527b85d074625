"""One update at a time per chat, in order; different chats at the same time."""

import asyncio

from telegram import Chat, Message, Update, User

from bot.telegram_app import PerChatUpdateProcessor


def update_in(chat_id: int, update_id: int) -> Update:
    chat = Chat(chat_id, "private")
    message = Message(update_id, None, chat, from_user=User(chat_id, "U", False), text="x")
    return Update(update_id, message=message)


async def test_same_chat_is_serial_other_chats_are_parallel():
    done = []
    processor = PerChatUpdateProcessor(max_concurrent_updates=16, on_done=lambda u: done.append(u.update_id))
    running: dict[int, int] = {}
    peak: dict[int, int] = {}
    log = []

    async def work(chat_id: int, update_id: int):
        running[chat_id] = running.get(chat_id, 0) + 1
        peak[chat_id] = max(peak.get(chat_id, 0), running[chat_id])
        peak["all"] = max(peak.get("all", 0), sum(running.values()))
        await asyncio.sleep(0.01)
        log.append((chat_id, update_id))
        running[chat_id] -= 1

    jobs = [(chat, n) for n in range(1, 6) for chat in (1, 2, 3)]
    await asyncio.gather(*(processor.process_update(update_in(c, n), work(c, n)) for c, n in jobs))
    assert peak[1] == peak[2] == peak[3] == 1          # never two at once in one chat
    assert peak["all"] >= 2                             # but chats overlap
    for chat in (1, 2, 3):
        assert [n for c, n in log if c == chat] == [1, 2, 3, 4, 5]  # in order
    assert sorted(done) == sorted(n for _, n in jobs)
    assert processor._locks == {}                       # nothing left behind


async def test_content_is_read_at_start_not_by_the_first_candidate(harness):
    from bot import absence
    from bot.interests.cards import deck
    from bot.vocabulary.decks import word_by_id

    for cached in (deck, word_by_id, absence.sentences, absence.all_rules):
        assert cached.cache_info().currsize == 1, cached.__name__
