import pytest

from archgen.units import format_count, format_size, parse_count, parse_duration, parse_rate, parse_size


@pytest.mark.parametrize(
    ("text", "expected"),
    [(500, 500), ("500", 500), ("20K", 20_000), ("100M", 100_000_000), ("1.5B", 1_500_000_000), ("2b", 2 * 10**9)],
)
def test_counts(text, expected):
    assert parse_count(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("500B", 500),
        ("10KB", 10_000),
        ("1.5MB", 1_500_000),
        ("4TB", 4 * 10**12),
        ("64GB", 64 * 10**9),
        ("1KiB", 1024),
        ("2MiB", 2 * 2**20),
        ("64GiB", 64 * 2**30),
        ("16TiB", 16 * 2**40),
        (4096, 4096),
    ],
)
def test_sizes(text, expected):
    assert parse_size(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("30s", 30), ("15m", 900), ("30min", 1800), ("24h", 86400), ("30d", 2_592_000), ("1w", 604_800), (90, 90)],
)
def test_durations(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("100/min", 100 / 60), ("1000/s", 1000), ("5/second", 5), ("3600/h", 1), ("86400/day", 1)],
)
def test_rates(text, expected):
    assert parse_rate(text) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("parse", "text"),
    [
        (parse_count, "1 million"),
        (parse_count, "-5"),
        (parse_count, True),
        (parse_size, "4 TBs"),
        (parse_size, "lots"),
        (parse_duration, "1 fortnight"),
        (parse_rate, "100"),
        (parse_rate, "100/fortnight"),
        (parse_rate, 100),
    ],
)
def test_bad_quantities_are_refused(parse, text):
    with pytest.raises(ValueError):
        parse(text)


def test_huge_values_are_not_echoed_whole():
    with pytest.raises(ValueError) as error:
        parse_size("x" * 100_000)
    assert len(str(error.value)) < 200


def test_formats_read_like_estimates():
    assert format_count(1_200_000) == "1.2M"
    assert format_size(120 * 10**9) == "120 GB"
    assert format_size(548 * 10**12) == "548 TB"


@pytest.mark.parametrize(
    ("value", "count", "size"),
    [
        (0, "0", "0 B"),
        (1, "1", "1 B"),
        (999, "999", "999 B"),
        (999.5, "1K", "1 KB"),
        (1000, "1K", "1 KB"),
        (1500, "1.5K", "1.5 KB"),
        (999_500, "1M", "1 MB"),
        (123_456, "123K", "123 KB"),
        (10**15, "1,000T", "1 PB"),
        (1.825e18, "1,825,000T", "1.82 EB"),
    ],
)
def test_counts_and_sizes_on_their_boundaries(value, count, size):
    assert format_count(value) == count
    assert format_size(value) == size
