"""The privacy module on its own: attempts to re-identify one person's answer must fail."""

from __future__ import annotations

from circlewise.insights.privacy import (
    MIN_RESPONDENTS,
    NOT_ENOUGH,
    Partition,
    disclose,
    figure,
)


def _group(people: range | list[int], per_person: int = 1) -> dict:
    """Responses keyed (person, n), each from its person."""
    return {(p, n): p for p in people for n in range(per_person)}


def test_it_withholds_a_circle_of_five_where_four_answered():
    shown = disclose({"circle": _group(range(4))})
    assert shown == frozenset()
    assert str(figure(15, 4, 4, shown=True)) == NOT_ENOUGH


def test_it_counts_people_not_answers():
    # Four people answering three sessions each are still four people.
    assert disclose({"circle": _group(range(4), per_person=3)}) == frozenset()
    assert disclose({"circle": _group(range(5))}) == {"circle"}


def test_it_withholds_a_filter_that_narrows_a_group_below_five():
    everyone = _group(range(40))
    sales = _group(range(3))
    assert disclose({"all": everyone, "sales": sales}) == {"all"}


def test_it_withholds_one_of_two_overlapping_filters_whose_difference_is_one_person():
    everyone = _group(range(40))
    sales = _group(range(6))  # people 0..5
    managers = _group(range(1, 6))  # people 1..5: sales minus person 0
    shown = disclose({"all": everyone, "sales": sales, "managers": managers})
    assert not {"sales", "managers"} <= shown
    assert "all" in shown


def test_it_withholds_a_cell_whose_complement_in_its_parent_is_below_five():
    programme = _group(range(8))
    circle = _group(range(6))  # the programme minus this circle is two people
    assert disclose({"programme": programme, "circle": circle}) == {"programme"}


def test_it_withholds_a_second_cell_when_the_withheld_ones_could_be_subtracted():
    # Circles of 10, 10 and 3 in a programme of 23: showing both 10s and the total would give
    # the sum of the three people's answers.
    a, b, c = _group(range(10)), _group(range(10, 20)), _group(range(20, 23))
    groups = {"all": {**a, **b, **c}, "a": a, "b": b, "c": c}
    shown = disclose(groups, partitions=[Partition("all", ["a", "b", "c"])])
    assert "c" not in shown
    assert len(shown & {"a", "b"}) == 1
    assert "all" in shown


def test_it_shows_groups_whose_differences_are_large_enough():
    a, b = _group(range(10)), _group(range(10, 20))
    groups = {"all": {**a, **b}, "a": a, "b": b}
    assert disclose(groups, partitions=[Partition("all", ["a", "b"])]) == {"all", "a", "b"}


def test_it_rounds_a_shown_mean_and_reports_its_respondents():
    shown = figure(15, 5, MIN_RESPONDENTS, shown=True)
    assert shown.value == 3.0 and not shown.withheld and str(shown) == "3.0"
