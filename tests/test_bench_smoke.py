"""The benchmarks keep working (their figures are read from `python -m bench.run`, never asserted here)."""

from bench import events_feed


def test_events_feed_benchmark_runs_and_reports_against_its_baseline():
    results = events_feed.run(n_events=3_000, n_candidates=60, pages=5)
    for scope in ("organisation", "specialist"):
        r = results[scope]
        assert r["baseline_sql"]["pages"] == r["http"]["pages"] == 5
        assert r["http_p99_vs_baseline"] > 0 and r["http_throughput_vs_baseline"] > 0
    assert "HTTP p99" in events_feed.table(results)


def test_translation_benchmark_runs_when_the_extra_is_installed():
    import pytest

    pytest.importorskip("argostranslate", reason="the translate extra is not installed")
    from bench import translation

    results = translation.run()
    assert set(results) >= {"baseline_direct", "jobbvenn_cold", "jobbvenn_cached"}
    assert "max loop delay" in translation.table(results)


def test_picture_card_benchmark_runs_and_counts_uploads():
    from bench import picture_cards

    results = picture_cards.run(rounds=2, render_limit=10)
    first, second = results["sessions"]["rounds"]
    assert first["card_uploads"] == first["cards"] and second["card_uploads"] == 0
    assert results["render"]["render_vs_baseline"] > 0
    assert "card uploads" in picture_cards.table(results)


def test_vocabulary_benchmark_runs_and_each_file_is_uploaded_once():
    from bench import vocabulary

    results = vocabulary.run(n_items=300)
    speed, uploads = results["answer_speed"], results["uploads"]
    assert speed["answers"] > 0 and speed["ratio_vs_baseline"] > 0
    assert uploads["uploads"] == uploads["distinct_files"] > 0  # no file went up twice
    assert "each file once" in vocabulary.table(results)


def test_reminder_fan_out_benchmark_runs_and_counts_lost_and_duplicate_messages():
    from bench import reminders

    results = reminders.run(n=60, unthrottled=40, baseline=40)
    limited = results["limited"]
    assert limited["delivered"] == 60 and limited["lost"] == 0 and limited["duplicates"] == 0
    assert results["fraction_of_limit"] > 0 and results["unthrottled_vs_bare"] > 0
    assert "of the limit" in reminders.table(results)


def test_start_up_benchmark_runs_against_a_bare_bot():
    from bench import startup

    results = startup.run(candidates=50, rounds=1)
    assert results["jobbvenn_s"] > 0 and results["baseline_bare_ptb_s"] > 0
    assert "first getUpdates" in startup.table(results)


def test_load_benchmark_runs_both_bots_and_every_update_gets_a_reply():
    from bench import load

    results = load.run(candidates=60, users=12, warmup_s=0.5, load_s=1.5, saturation_s=1.5, busy_rate=10, peak_rate=20,
                       limiter_s=1.5)
    for bot in ("jobbvenn", "baseline_echo"):
        r = results[bot]
        assert r["finished"] > 0 and r["finished_without_reply"] == 0  # every update the bot finished was answered
        assert r["in_flight_after"]["busy"] == 0  # and nothing it was offered at the busy-hour load was left behind
        assert r["saturation"]["per_second"] > 0 and r["busy"]["latency_ms"]["p99"] is not None
        assert r["rss_mb"] > 0 and r["mix"]
    assert results["every_update_answered"] == {"jobbvenn": True, "baseline_echo": True}
    assert results["throughput_ratio"] > 0 and results["rss_ratio"] > 0
    assert results["jobbvenn_with_limiter"]["busy"]["sent"] > 0
    text = load.table(results)
    for words in ("throughput at saturation", "busy-hour", "p99", "VmRSS", "echo bot", "ratio", "mix", "limiter"):
        assert words in text
