"""Generations in files: what one process bumps, another reads at once."""

from portal.cache import FileGenerations


def test_a_bump_in_one_process_is_read_by_another(tmp_path):
    first, second = FileGenerations(tmp_path / "g"), FileGenerations(tmp_path / "g")
    started = first.current("users")
    assert started and second.current("users") == started
    assert second.bump("users")
    assert first.current("users") not in (None, started)
    assert first.current("users") == second.current("users")
    assert first.current("other") != first.current("users")


def test_an_unusable_folder_gives_no_generation(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    generations = FileGenerations(blocked)
    assert generations.current("users") is None
    assert not generations.bump("users")
