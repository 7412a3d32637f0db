"""Numbers as people read them, identical in the dashboard and the command line."""

import pytest

from ui.formatting import change_of, file_error_message, format_change, format_figure


def test_figures():
    assert format_figure("active_members", 12345) == "12,345"
    assert format_figure("contact_coverage", 0.875) == "87.5%"
    assert format_figure("contact_coverage", None) == "—"
    assert format_figure("volunteer_hours", 340.0) == "340.0"
    assert format_figure("contacts_per_member_30d", 1.1537) == "1.15"


def test_changes_are_rounded_as_shown():
    assert format_change("contact_coverage", 0.632, 0.629) == "+0.3 个百分点"
    assert format_change("contacts_per_member_30d", 1.1537, 1.1571) == "+0.00"
    assert change_of("contacts_per_member_30d", 1.1537, 1.1571) == 0.0
    assert format_change("overdue", 879, 875) == "+4"
    assert format_change("overdue", 870, 875) == "-5"
    assert format_change("contact_coverage", None, 0.5) == "—"


def test_a_missing_figure_from_a_table_reads_as_a_dash():
    from ui.formatting import change_of, format_figure

    assert format_figure("contact_coverage", float("nan")) == "—"
    assert change_of("contact_coverage", 0.5, float("nan")) is None


@pytest.mark.parametrize(
    ("code", "figure"),
    [
        ("too_large", "800 MB"),
        ("zip_bomb", "100 倍"),
        ("too_many_rows", "1,048,576 行"),
        ("too_many_columns", "200 列"),
        ("too_many_cells", "20,000,000 个"),
        ("line_too_long", "16 MB"),
        ("out_of_memory", "2 GB"),
        ("timeout", "120 秒"),
    ],
)
def test_a_file_past_a_limit_is_told_the_limit(code, figure):
    message = file_error_message(code, "台账.xlsx", "1")
    assert message.startswith("台账.xlsx：") and figure in message
    assert message != file_error_message("unreadable", "台账.xlsx", "1")
